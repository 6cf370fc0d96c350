import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Enrolment, EnrolmentError, formatEnrolment, parseEnrolment } from './enrolment.js';

const SECRET = 'Qx7vR2mT9kLp4Wz8';

const full: Enrolment = {
  version: 1,
  protocol: 1,
  deviceId: 'phone-0042',
  extension: '201',
  keyId: 17,
  secret: SECRET,
  hosts: ['pbx.example.com', '192.0.2.10', '2001:db8::10'],
  port: 8080,
  knock: [30000, 30500, 31000],
  url: 'https://pbx.example.com/sa/v1/phone',
};

/** A valid payload with one parameter replaced (undefined: removed). */
function payloadWith(name: string, value: string | undefined): string {
  const params = new URLSearchParams(formatEnrolment(full).slice('smartassistant://enrol?'.length));
  if (value === undefined) params.delete(name);
  else params.set(name, value);
  return `smartassistant://enrol?${params.toString()}`;
}

function rejects(text: string, field: string, message?: RegExp): void {
  assert.throws(
    () => parseEnrolment(text),
    (err: unknown) => {
      assert.ok(err instanceof EnrolmentError, String(err));
      assert.equal(err.field, field);
      assert.equal(err.code, 'PHONE_ENROLMENT_INVALID');
      assert.ok(err.message.startsWith(`${field}: `), err.message);
      if (message) assert.match(err.message, message);
      assert.equal(err.message.includes(SECRET), false, 'the secret is never in an error');
      return true;
    },
  );
}

describe('enrolment payload', () => {
  it('given every field, when formatted and parsed, then the same enrolment comes back', () => {
    const text = formatEnrolment(full);
    assert.ok(text.startsWith('smartassistant://enrol?v=1&proto=1&device=phone-0042&ext=201&keyId=17&'));
    assert.deepEqual(parseEnrolment(text), full);
  });

  it('given only the required fields, when formatted, then defaults fill in and knock and url are left out', () => {
    const text = formatEnrolment({ deviceId: 'd1', keyId: 1, secret: SECRET, hosts: ['10.0.0.1'], port: 1 });
    assert.equal(
      text,
      `smartassistant://enrol?v=1&proto=1&device=d1&ext=&keyId=1&secret=${SECRET}&host=10.0.0.1&port=1`,
    );
    assert.deepEqual(parseEnrolment(text), {
      version: 1,
      protocol: 1,
      deviceId: 'd1',
      extension: '',
      keyId: 1,
      secret: SECRET,
      hosts: ['10.0.0.1'],
      port: 1,
      knock: [],
    });
  });

  it('given host and knock lists with %2C or plain commas, when parsed, then both give the same lists', () => {
    const encoded = formatEnrolment(full);
    assert.ok(encoded.includes('host=pbx.example.com%2C192.0.2.10%2C2001%3Adb8%3A%3A10'), encoded);
    const plain = encoded.replaceAll('%2C', ',').replaceAll('%3A', ':');
    assert.deepEqual(parseEnrolment(plain), full);
    assert.deepEqual(parseEnrolment(plain).hosts, ['pbx.example.com', '192.0.2.10', '2001:db8::10']);
    assert.deepEqual(parseEnrolment(plain).knock, [30000, 30500, 31000]);
  });

  it('given an IPv6 host only, when parsed, then it is kept without brackets', () => {
    assert.deepEqual(parseEnrolment(payloadWith('host', '::1')).hosts, ['::1']);
    assert.deepEqual(parseEnrolment(payloadWith('host', 'fd00::1,pbx')).hosts, ['fd00::1', 'pbx']);
  });

  it('given parameters this phone does not know, when parsed, then they are ignored', () => {
    const text = `${formatEnrolment(full)}&colour=blue&v2feature=1`;
    assert.deepEqual(parseEnrolment(text), full);
  });

  it('given surrounding white space and an upper-case scheme, when parsed, then it is accepted', () => {
    const text = formatEnrolment(full).replace('smartassistant://enrol', 'SmartAssistant://ENROL');
    assert.deepEqual(parseEnrolment(`  ${text}\n`), full);
  });

  it('given text that is not an enrolment, when parsed, then the payload is refused', () => {
    rejects('https://example.com/?v=1', 'payload', /must start with smartassistant:\/\/enrol\?/);
    rejects('', 'payload');
  });

  it('given an unknown payload or protocol version, when parsed, then v or proto names it', () => {
    rejects(payloadWith('v', '2'), 'v', /^v: unsupported payload version 2 \(this phone understands 1\)$/);
    rejects(payloadWith('v', 'x'), 'v', /unsupported payload version x/);
    rejects(payloadWith('v', undefined), 'v', /^v: missing$/);
    rejects(
      payloadWith('proto', '2'),
      'proto',
      /^proto: unsupported protocol version 2 \(this phone understands 1\)$/,
    );
    rejects(payloadWith('proto', undefined), 'proto', /missing/);
  });

  for (const [name, bad] of [
    ['device', ['', 'a b', 'x'.repeat(65), 'tél', undefined]],
    ['keyId', ['0', '-1', '4294967296', '1.5', 'abc', '', undefined]],
    ['secret', ['short', `${SECRET}x`, 'Qx7vR2mT9kLp4Wz!', '', undefined]],
    ['host', ['', ',', 'pbx,', '[::1]', 'bad_host', 'a..b', undefined]],
    ['port', ['0', '65536', 'http', '', undefined]],
    ['knock', ['', '1,,2', '30000,70000', 'a,b']],
    ['url', ['ftp://x', 'not a url', '']],
  ] as const) {
    it(`given an invalid ${name}, when parsed, then the error names ${name} and never shows the secret`, () => {
      for (const value of bad) rejects(payloadWith(name, value), name);
    });
  }

  it('given a parameter given twice, when parsed, then it is refused', () => {
    rejects(`${formatEnrolment(full)}&secret=${SECRET}`, 'secret', /more than once/);
  });

  it('given the maximum key id and port, when parsed, then they are accepted', () => {
    const e = parseEnrolment(payloadWith('keyId', '4294967295'));
    assert.equal(e.keyId, 4294967295);
    assert.equal(parseEnrolment(payloadWith('port', '65535')).port, 65535);
  });

  it('given an invalid enrolment, when formatted, then it throws naming the field, never the secret', () => {
    const cases: Array<[Partial<Enrolment>, string]> = [
      [{ version: 2 }, 'v'],
      [{ protocol: 0 }, 'proto'],
      [{ deviceId: 'a b' }, 'device'],
      [{ keyId: 0 }, 'keyId'],
      [{ secret: `${SECRET}!` }, 'secret'],
      [{ hosts: [] }, 'host'],
      [{ hosts: ['[::1]'] }, 'host'],
      [{ port: 70000 }, 'port'],
      [{ knock: [0] }, 'knock'],
      [{ url: 'ftp://x' }, 'url'],
    ];
    for (const [change, field] of cases) {
      assert.throws(
        () => formatEnrolment({ ...full, ...change }),
        (err: unknown) =>
          err instanceof EnrolmentError && err.field === field && !err.message.includes(SECRET),
        field,
      );
    }
  });
});

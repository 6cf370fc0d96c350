import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Enrolment } from '@sa/phone-protocol';
import { EnrolmentStore, statePath, withoutSecret } from './enrolment-store.js';
import { PhoneClient } from './phone-client.js';

const dir = mkdtempSync(join(tmpdir(), 'sa-phone-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshStore = () => new EnrolmentStore(join(dir, `case-${++files}`, 'sa-phone', 'enrolment.json'));

const enrolment: Enrolment = {
  version: 1,
  protocol: 1,
  deviceId: 'phone-0042',
  extension: '201',
  keyId: 17,
  secret: 'Qx7vR2mT9kLp4Wz8',
  hosts: ['127.0.0.1'],
  port: 8080,
  knock: [],
};

describe('enrolment state file', () => {
  it('given --state, SA_PHONE_STATE, XDG_CONFIG_HOME or only HOME, then the path follows that order', () => {
    const env = { SA_PHONE_STATE: '/s/env.json', XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' };
    assert.equal(statePath('/s/flag.json', env), '/s/flag.json');
    assert.equal(statePath(undefined, env), '/s/env.json');
    assert.equal(statePath(undefined, { ...env, SA_PHONE_STATE: '' }), '/xdg/sa-phone/enrolment.json');
    assert.equal(statePath(undefined, { HOME: '/home/u' }), '/home/u/.config/sa-phone/enrolment.json');
  });

  it('given an enrolment, when stored, then the file is mode 0600, complete, and reads back; no temporary is left', () => {
    const store = freshStore();
    const { state, replaced } = store.enrol(enrolment, new Date('2026-12-01T10:00:00Z'));
    assert.equal(replaced, undefined);
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(store.path, 'utf8')), {
      format: 1,
      enrolledAt: '2026-12-01T10:00:00.000Z',
      enrolment,
      lastCounter: 0,
    });
    assert.deepEqual(store.read(), state);
    assert.deepEqual(readdirSync(join(store.path, '..')), ['enrolment.json']);
  });

  it('given a stored enrolment, when used by a client, then counters keep increasing across clients (runs)', () => {
    const store = freshStore();
    store.enrol(enrolment);
    const endpoint = { host: '127.0.0.1', port: 9, transport: 'udp' } as const;
    const ahead = Date.now() + 60_000; // a previous run counted past the clock
    store.counterStore().used(ahead);
    const first = new PhoneClient(enrolment, endpoint, { counterStore: store.counterStore() });
    assert.equal(first.seal({ ping: {} }).counter, ahead + 1);
    const second = new PhoneClient(enrolment, endpoint, { counterStore: store.counterStore() });
    assert.equal(second.seal({ ping: {} }).counter, ahead + 2);
    assert.equal(store.read()?.lastCounter, ahead + 2);
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
  });

  it('given a new enrolment, when stored over an old one, then the counter carries over only for the same device', () => {
    const store = freshStore();
    store.enrol(enrolment);
    store.counterStore().used(1234);
    const rekeyed = store.enrol({ ...enrolment, keyId: 18, secret: 'Zz9Yy8Xx7Ww6Vv5U' });
    assert.equal(rekeyed.replaced?.keyId, 17);
    assert.equal(rekeyed.state.lastCounter, 1234);
    const other = store.enrol({ ...enrolment, deviceId: 'phone-0043' });
    assert.equal(other.state.lastCounter, 0);
    assert.equal(store.read()?.enrolment.deviceId, 'phone-0043');
  });

  it('given a damaged or hand-edited file, when read, then it names the file and never the secret', () => {
    const store = freshStore();
    store.enrol(enrolment);
    const bad = { format: 1, enrolment: { ...enrolment, port: 0 }, lastCounter: 0 };
    writeFileSync(store.path, JSON.stringify(bad));
    assert.throws(
      () => store.read(),
      (err: Error) =>
        err.message.includes(store.path) &&
        /port:/.test(err.message) &&
        !err.message.includes(enrolment.secret),
    );
    writeFileSync(store.path, '{');
    assert.throws(() => store.read(), /is damaged/);
    assert.equal(store.enrol(enrolment).replaced, undefined, 'a damaged file is replaced');
  });

  it('given a stored enrolment, when forgotten, then the file is gone; forgetting again is harmless', () => {
    const store = freshStore();
    store.enrol(enrolment);
    assert.equal(store.forget(), true);
    assert.equal(store.read(), undefined);
    assert.equal(store.forget(), false);
  });

  it('given an enrolment, when printed, then the secret is left out', () => {
    assert.equal(JSON.stringify(withoutSecret(enrolment)).includes(enrolment.secret), false);
    assert.equal(withoutSecret(enrolment).deviceId, 'phone-0042');
  });
});

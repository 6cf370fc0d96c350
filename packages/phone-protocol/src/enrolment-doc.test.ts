// Checks the enrolment example of docs/protocol.md (section 3.5) against the code: the payload parses
// to the fields listed, formats back to the same text, derives the key shown, and the vector that
// follows (the first ping, checked byte by byte by protocol-doc.test.ts) is sealed with that key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { deriveEnvelopeKey, formatEnrolment, parseEnrolment } from './index.js';

const docPath = new URL('../../../docs/protocol.md', import.meta.url);

function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const m = /^(\w+):\s?(.*)$/.exec(line);
    if (m) fields.set(m[1]!, (fields.get(m[1]!) ?? '') + m[2]!.trim());
  }
  return fields;
}

describe('docs/protocol.md enrolment example', () => {
  const text = readFileSync(docPath, 'utf8');
  const found = /```enrolment\n([\s\S]*?)```\s*```vector\n([\s\S]*?)```/.exec(text);

  it('given the protocol document, when read, then it has an enrolment block followed by its ping vector', () => {
    assert.ok(found, 'an ```enrolment block followed by a ```vector block');
  });

  it('given the enrolment block, when its payload is parsed, then it gives the listed fields and formats back to itself', () => {
    const f = fieldsOf(found![1]!);
    const payload = f.get('payload')!;
    const e = parseEnrolment(payload);
    assert.deepEqual(e, {
      version: 1,
      protocol: 1,
      deviceId: f.get('deviceId'),
      extension: f.get('extension'),
      keyId: Number(f.get('keyId')),
      secret: f.get('secret'),
      hosts: f.get('hosts')!.split(','),
      port: Number(f.get('port')),
      knock: f.get('knock')!.split(',').map(Number),
      url: f.get('url'),
    });
    assert.equal(formatEnrolment(e), payload);
    assert.equal(Buffer.from(deriveEnvelopeKey(e.secret, e.deviceId)).toString('hex'), f.get('aesKey'));
  });

  it('given the ping vector after it, then it is sealed with the enrolled device own key, key id and id', () => {
    const e = parseEnrolment(fieldsOf(found![1]!).get('payload')!);
    const v = fieldsOf(found![2]!);
    assert.equal(v.get('secret'), e.secret);
    assert.equal(v.get('keyOwner'), e.deviceId);
    assert.equal(v.get('deviceId'), e.deviceId);
    assert.equal(Number(v.get('keyId')), e.keyId);
    assert.equal(v.get('aesKey'), fieldsOf(found![1]!).get('aesKey'));
  });
});

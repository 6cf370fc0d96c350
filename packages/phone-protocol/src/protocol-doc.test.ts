// Parses the worked examples in docs/protocol.md and recomputes every value from its inputs, so the
// document and the code cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import {
  deriveEnvelopeKey,
  FLAG_REPLY,
  openReply,
  openRequest,
  parseEnvelope,
  sealEnvelope,
} from './index.js';

const docPath = new URL('../../../docs/protocol.md', import.meta.url);

function readVectors(): Map<string, string>[] {
  const text = readFileSync(docPath, 'utf8');
  const blocks = [...text.matchAll(/```vector\n([\s\S]*?)```/g)];
  return blocks.map((block) => {
    const fields = new Map<string, string>();
    for (const line of block[1]!.split('\n')) {
      const m = /^(\w+):\s?(.*)$/.exec(line);
      if (!m) continue;
      const [, name, value] = m;
      fields.set(name!, (fields.get(name!) ?? '') + value!.trim());
    }
    return fields;
  });
}

const must = (f: Map<string, string>, name: string): string => {
  const v = f.get(name);
  assert.ok(v !== undefined, `vector is missing "${name}"`);
  return v;
};

describe('docs/protocol.md worked examples', () => {
  const vectors = readVectors();

  it('given the protocol document, when its vectors are read, then there are requests and a reply', () => {
    assert.ok(vectors.length >= 3);
    assert.ok(vectors.some((v) => v.get('direction') === 'reply'));
    assert.ok(vectors.some((v) => v.get('keyOwner') !== ''));
  });

  for (const [i, f] of vectors.entries()) {
    it(`given vector ${i + 1}, when sealed with its key and nonce, then the bytes equal the document`, () => {
      const reply = must(f, 'direction') === 'reply';
      const key = deriveEnvelopeKey(must(f, 'secret'), must(f, 'keyOwner'));
      assert.equal(Buffer.from(key).toString('hex'), must(f, 'aesKey'));
      const type = reply ? v1.PhoneReply : v1.PhoneRequest;
      const plain = type.encode(type.fromObject(JSON.parse(must(f, 'message'))) as never).finish();
      assert.equal(Buffer.from(plain).toString('hex'), must(f, 'plaintext'));
      const header = {
        flags: reply ? FLAG_REPLY : 0,
        keyId: Number(must(f, 'keyId')),
        deviceId: must(f, 'deviceId'),
        counter: Number(must(f, 'counter')),
        timestampMs: Number(must(f, 'timestampMs')),
        nonce: Buffer.from(must(f, 'nonce'), 'hex'),
      };
      const packet = sealEnvelope(key, header, plain);
      assert.equal(Buffer.from(packet).toString('hex'), must(f, 'packet'));
    });

    it(`given vector ${i + 1}'s packet, when opened, then the document's fields come back`, () => {
      const packet = new Uint8Array(Buffer.from(must(f, 'packet'), 'hex'));
      const key = deriveEnvelopeKey(must(f, 'secret'), must(f, 'keyOwner'));
      if (must(f, 'direction') === 'reply') {
        const opened = openReply(key, packet, Number(must(f, 'counter')));
        assert.ok(opened.ok);
        assert.deepEqual(
          v1.PhoneReply.toObject(opened.reply, { enums: String }),
          JSON.parse(must(f, 'message')),
        );
        return;
      }
      const parsed = parseEnvelope(packet);
      assert.ok(parsed.ok);
      assert.equal(parsed.header.deviceId, must(f, 'deviceId'));
      assert.equal(parsed.header.keyId, Number(must(f, 'keyId')));
      const opened = openRequest(key, packet, parsed);
      assert.ok(opened.ok);
      assert.deepEqual(
        v1.PhoneRequest.toObject(opened.request, { enums: String }),
        JSON.parse(must(f, 'message')),
      );
    });
  }
});

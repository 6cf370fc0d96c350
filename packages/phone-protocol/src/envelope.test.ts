import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import {
  deriveEnvelopeKey,
  MAX_PACKET_SIZE,
  openReply,
  openRequest,
  parseEnvelope,
  sealReply,
  sealRequest,
} from './index.js';

const key = deriveEnvelopeKey('1234567890123456');
const base = { key, keyId: 1, deviceId: 'dev-1', counter: 5, timestampMs: 1_700_000_000_000 };

describe('envelope', () => {
  it('given a sealed ping, when parsed and opened, then header and kind come back', () => {
    const packet = sealRequest({ ...base, body: { ping: {} } });
    const parsed = parseEnvelope(packet);
    assert.ok(parsed.ok);
    assert.equal(parsed.header.counter, 5);
    const opened = openRequest(key, packet, parsed);
    assert.ok(opened.ok);
    assert.equal(opened.kind, 'ping');
  });

  it('given every single bit flipped in turn, when opened, then none verifies', () => {
    const packet = sealRequest({ ...base, body: { ping: {} } });
    for (let bit = 0; bit < packet.length * 8; bit++) {
      const bad = packet.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const parsed = parseEnvelope(bad);
      if (!parsed.ok) continue;
      assert.equal(openRequest(key, bad, parsed).ok, false, `bit ${bit}`);
    }
  });

  it('given truncations and oversize buffers, when parsed, then they are too_small or too_large', () => {
    const packet = sealRequest({ ...base, body: { ping: {} } });
    assert.deepEqual(parseEnvelope(packet.subarray(0, 20)), { ok: false, reason: 'too_small' });
    assert.deepEqual(parseEnvelope(new Uint8Array(MAX_PACKET_SIZE + 1)), { ok: false, reason: 'too_large' });
    const cut = packet.subarray(0, packet.length - 1);
    const parsed = parseEnvelope(cut);
    assert.ok(!parsed.ok || !openRequest(key, cut, parsed).ok);
  });

  it('given a different key, when opened, then the tag fails', () => {
    const packet = sealRequest({ ...base, body: { ping: {} } });
    const parsed = parseEnvelope(packet);
    assert.ok(parsed.ok);
    const other = deriveEnvelopeKey('Abcdefgh12345678');
    assert.deepEqual(openRequest(other, packet, parsed), { ok: false, reason: 'bad_tag' });
  });

  it('given a device key, when used for another device id, then the key differs', () => {
    assert.notDeepEqual(
      deriveEnvelopeKey('Abcdefgh12345678', 'a'),
      deriveEnvelopeKey('Abcdefgh12345678', 'b'),
    );
    assert.throws(() => deriveEnvelopeKey('short'));
  });

  it('given a plaintext repeating a different counter, when opened, then it is bad_header', () => {
    const packet = sealRequest({ ...base, body: { ping: {} }, repeatHeaderFields: true });
    const parsed = parseEnvelope(packet);
    assert.ok(parsed.ok);
    assert.ok(openRequest(key, packet, parsed).ok);
    const forged = sealRequest({ ...base, body: { ping: {}, counter: 6 } as never });
    const p2 = parseEnvelope(forged);
    assert.ok(p2.ok);
    assert.deepEqual(openRequest(key, forged, p2), { ok: false, reason: 'bad_header' });
  });

  it('given a plaintext naming another device than the header, when opened, then it is device_mismatch', () => {
    const forged = sealRequest({ ...base, body: { ping: {}, deviceId: `${base.deviceId}x` } as never });
    const parsed = parseEnvelope(forged);
    assert.ok(parsed.ok);
    assert.deepEqual(openRequest(key, forged, parsed), { ok: false, reason: 'device_mismatch' });
  });

  it('given padTo, when sealed, then the packet is at least that long and still opens', () => {
    for (const padTo of [60, 100, 128, 129, 130, 200, 1200, 5000]) {
      const packet = sealRequest({ ...base, body: { ping: {} }, padTo });
      assert.ok(packet.length >= Math.min(padTo, MAX_PACKET_SIZE) && packet.length <= MAX_PACKET_SIZE);
      const parsed = parseEnvelope(packet);
      assert.ok(parsed.ok && openRequest(key, packet, parsed).ok);
    }
  });

  it('given a reply with many targets and a small budget, when sealed, then it fits and says truncated', () => {
    const request = sealRequest({ ...base, body: { listTargets: {} }, padTo: 300 });
    const parsed = parseEnvelope(request);
    assert.ok(parsed.ok);
    const targets = Array.from({ length: 40 }, (_, i) => ({
      id: `t${i}`,
      name: `Target ${i}`,
      dial: `${200 + i}`,
    }));
    const sealed = sealReply({
      key,
      request: parsed.header,
      reply: { status: v1.ReplyStatus.REPLY_STATUS_OK, targets },
      nowMs: 1,
      budget: request.length,
    });
    assert.ok(sealed && sealed.length <= request.length);
    const opened = openReply(key, sealed, 5);
    assert.ok(opened.ok);
    assert.equal(opened.reply.truncated, true);
    assert.equal(opened.reply.targetsTotal, 40);
    assert.ok(opened.reply.targets.length > 0 && opened.reply.targets.length < 40);
  });

  it('given an unpadded ping, when a reply must fit its size, then no reply is produced', () => {
    const request = sealRequest({ ...base, body: { ping: {} } });
    const parsed = parseEnvelope(request);
    assert.ok(parsed.ok);
    const sealed = sealReply({
      key,
      request: parsed.header,
      reply: { status: v1.ReplyStatus.REPLY_STATUS_OK, tier: v1.Tier.TIER_PREMIUM, message: 'hello there' },
      nowMs: Date.now(),
      budget: request.length,
    });
    assert.equal(sealed, null);
  });

  it('given a reply, when opened as a request, then the flags make it bad_header', () => {
    const request = sealRequest({ ...base, body: { ping: {} }, padTo: 200 });
    const parsed = parseEnvelope(request);
    assert.ok(parsed.ok);
    const sealed = sealReply({ key, request: parsed.header, reply: { status: 1 }, nowMs: 1, budget: 200 });
    assert.ok(sealed);
    assert.deepEqual(parseEnvelope(sealed), { ok: false, reason: 'bad_header' });
  });

  it('given counters and timestamps around 2^53, when parsed, then the largest safe integer passes and 2^53 is bad_header', () => {
    const at = 9 + base.deviceId.length;
    const packet = sealRequest({ ...base, counter: Number.MAX_SAFE_INTEGER, body: { ping: {} } });
    const parsed = parseEnvelope(packet);
    assert.ok(parsed.ok);
    assert.equal(parsed.header.counter, Number.MAX_SAFE_INTEGER);
    assert.equal(parsed.header.timestampMs, base.timestampMs);
    for (const field of [at, at + 8]) {
      const big = new Uint8Array(packet);
      new DataView(big.buffer).setBigUint64(field, 2n ** 53n);
      assert.deepEqual(parseEnvelope(big), { ok: false, reason: 'bad_header' });
    }
  });
});

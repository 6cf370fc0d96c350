// Prints the worked examples for docs/protocol.md (run: node --import tsx <this file>).
// The doc test (src/protocol-doc.test.ts) recomputes every value, so editing either side alone fails.
import { encodeMessage, v1 } from '@sa/proto';
import { deriveEnvelopeKey, FLAG_REPLY, sealEnvelope } from '../index.js';

interface Vector {
  name: string;
  direction: 'request' | 'reply';
  secret: string;
  keyOwner: string;
  keyId: number;
  deviceId: string;
  counter: number;
  timestampMs: number;
  nonce: string;
  message: Record<string, unknown>;
}

const vectors: Vector[] = [
  {
    name: 'ping with the default server key',
    direction: 'request',
    secret: '1234567890123456',
    keyOwner: '',
    keyId: 1,
    deviceId: 'phone-0001',
    counter: 1,
    timestampMs: 1700000000000,
    nonce: '000102030405060708090a0b',
    message: { ping: {} },
  },
  {
    name: 'presence under a device own key',
    direction: 'request',
    secret: 'Abcdefgh12345678',
    keyOwner: 'phone-0002',
    keyId: 7,
    deviceId: 'phone-0002',
    counter: 42,
    timestampMs: 1700000060000,
    nonce: 'a0a1a2a3a4a5a6a7a8a9aaab',
    message: {
      presence: {
        connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -51 },
        visible: [{ ssid: 'Guest', bssid: 'aa:bb:cc:dd:ee:02', rssiDbm: -70 }],
        batteryPct: 80,
      },
    },
  },
  {
    name: 'first ping of the enrolled device (section 3.5)',
    direction: 'request',
    secret: 'Qx7vR2mT9kLp4Wz8',
    keyOwner: 'phone-0042',
    keyId: 17,
    deviceId: 'phone-0042',
    counter: 1700000120000,
    timestampMs: 1700000120000,
    nonce: '101112131415161718191a1b',
    message: { ping: {} },
  },
  {
    name: 'reply to the ping',
    direction: 'reply',
    secret: '1234567890123456',
    keyOwner: '',
    keyId: 1,
    deviceId: 'phone-0001',
    counter: 1,
    timestampMs: 1700000000250,
    nonce: '0f0e0d0c0b0a090807060504',
    message: {
      counter: 1,
      serverTimeMs: 1700000000250,
      status: 'REPLY_STATUS_OK',
      tier: 'TIER_STANDARD',
      permissions: { genericDestinations: true },
    },
  },
];

for (const v of vectors) {
  const key = deriveEnvelopeKey(v.secret, v.keyOwner);
  const type = v.direction === 'request' ? v1.PhoneRequest : v1.PhoneReply;
  const plain = encodeMessage(type, type.fromObject(v.message) as never, type.name ?? 'message');
  const packet = sealEnvelope(
    key,
    {
      flags: v.direction === 'reply' ? FLAG_REPLY : 0,
      keyId: v.keyId,
      deviceId: v.deviceId,
      counter: v.counter,
      timestampMs: v.timestampMs,
      nonce: Buffer.from(v.nonce, 'hex'),
    },
    plain,
  );
  const hex = Buffer.from(packet).toString('hex');
  console.log(`#### ${v.name}\n\n\`\`\`vector`);
  console.log(`direction: ${v.direction}`);
  console.log(`secret: ${v.secret}`);
  console.log(`keyOwner: ${v.keyOwner}`);
  console.log(`aesKey: ${Buffer.from(key).toString('hex')}`);
  console.log(`keyId: ${v.keyId}`);
  console.log(`deviceId: ${v.deviceId}`);
  console.log(`counter: ${v.counter}`);
  console.log(`timestampMs: ${v.timestampMs}`);
  console.log(`nonce: ${v.nonce}`);
  console.log(`message: ${JSON.stringify(v.message)}`);
  console.log(`plaintext: ${Buffer.from(plain).toString('hex')}`);
  for (let i = 0; i < hex.length; i += 64) console.log(`packet: ${hex.slice(i, i + 64)}`);
  console.log('```\n');
}

// 100k random and mutated packets: the process stays up, nothing is accepted or published, memory
// stays flat. Most go straight to the handler (what the UDP adapter calls); a slice goes over UDP.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PhoneClient } from '@sa/phone-client';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('ingest fuzzing', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'fuzz-dev' });
    ingest = await fx.startInstance({ REJECT_LOG_PER_SEC: '5', LOG_LEVEL: 'warn' });
  });
  after(() => fx.close());

  it('given 100k random and mutated packets, when handled, then none is accepted and memory stays flat', async () => {
    const client = new PhoneClient(
      { deviceId: 'fuzz-dev', secret: '1234567890123456', keyId: 1 },
      { host: '127.0.0.1', port: ingest.port, transport: 'udp' },
    );
    const seeds = Array.from(
      { length: 64 },
      (_, i) => client.seal(i % 2 ? { ping: {} } : { presence: { connected: { ssid: `n${i}` } } }).packet,
    );
    const published = await fx.streamMessages();
    const mutate = (i: number): Uint8Array => {
      const seed = seeds[i % seeds.length]!;
      const r = randomBytes(8);
      switch (i % 6) {
        case 0:
          return randomBytes(r[0]! * 5); // 0..1275 random bytes
        case 1: {
          const p = seed.slice(); // random bytes flipped anywhere
          for (let k = 0; k < 1 + (r[1]! % 3); k++)
            p[r.readUInt16BE(2 + k * 2) % p.length]! ^= 1 + (r[k]! % 255);
          if (Buffer.from(p).equals(seed)) p[p.length - 1]! ^= 1; // two flips cancelled out
          return p;
        }
        case 2:
          return seed.subarray(0, r.readUInt16BE(0) % seed.length); // truncated
        case 3: {
          const p = new Uint8Array(seed.length + 1 + (r[0]! % 64)); // extended
          p.set(seed);
          p.set(randomBytes(p.length - seed.length), seed.length);
          return p;
        }
        case 4: {
          const p = seed.slice(); // header fields mangled: key id, id length, counter
          p[4 + (r[0]! % 12)]! ^= 1 + (r[1]! % 255);
          return p;
        }
        default: {
          const p = randomBytes(60 + (r[0]! % 200)); // valid magic/version, random rest
          p[0] = 0x53;
          p[1] = 0x41;
          p[2] = 1;
          p[3] = 0;
          p[8] = 1 + (r[1]! % 20);
          return p;
        }
      }
    };
    const run = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 500) {
        const batch = [];
        for (let k = i; k < Math.min(i + 500, from + count); k++) {
          batch.push(ingest.app.handler.handle(mutate(k), `10.${k % 250}.${(k >> 8) % 250}.1`, 'udp'));
        }
        for (const reply of await Promise.all(batch)) assert.equal(reply, null);
      }
    };
    await run(0, 10_000); // warm up JIT, metric children, rate tables
    const baseline = heapAfterGc();
    await run(10_000, 90_000);
    const grown = heapAfterGc() - baseline;
    assert.ok(grown < 20 * 1024 * 1024, `heap grew ${(grown / 1048576).toFixed(1)} MB`);

    // and a slice over the real socket: never answered
    const socket = createSocket('udp4');
    let replies = 0;
    socket.on('message', () => replies++);
    for (let i = 0; i < 2000; i++) socket.send(mutate(i), ingest.port, '127.0.0.1');
    const rejectedTotal = async () => {
      const m = await ingest.app.metrics.getSingleMetric('sa_ingest_packets_rejected_total')!.get();
      return m.values.reduce((s, v) => s + v.value, 0);
    };
    await eventually(async () => (await rejectedTotal()) >= 101_500, 10_000, 'UDP fuzz handled');
    socket.close();
    assert.equal(replies, 0);
    assert.equal(await ingest.accepted(), 0);
    assert.equal(await fx.streamMessages(), published);
    assert.ok((await client.send({ ping: {} })).replies.length === 1, 'still serving after the storm');
  });
});

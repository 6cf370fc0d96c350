// Every way a packet fails: rejected with its reason counted, no reply, nothing published.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { flipBit, PhoneClient, type SendOptions, truncate } from '@sa/phone-client';
import { replayKeys } from '../src/adapters/redis/keys.js';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

describe('ingest rejections', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;
  let second: IngestInstance;

  const phone = (
    deviceId: string,
    options: { secret?: string; keyId?: number; transport?: 'udp' | 'http'; port?: number } = {},
  ) =>
    new PhoneClient(
      { deviceId, secret: options.secret ?? '1234567890123456', keyId: options.keyId ?? 1 },
      { host: '127.0.0.1', port: options.port ?? ingest.port, transport: options.transport ?? 'udp' },
    );

  /** Sends, waits for the reason counter to move, and checks: no reply, nothing published. */
  async function expectRejected(
    reason: string,
    client: PhoneClient,
    options: SendOptions = {},
    on: IngestInstance = ingest,
  ): Promise<void> {
    const before = await on.rejected(reason);
    const published = await fx.streamMessages();
    const r = await client.send({ presence: { connected: { ssid: 'x' } } }, { timeoutMs: 300, ...options });
    await eventually(async () => (await on.rejected(reason)) > before, 3000, `${reason} counted`);
    assert.equal(r.rawReplies.length, 0, 'no reply to a rejected packet');
    assert.equal(await fx.streamMessages(), published, 'nothing published');
  }

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'dev-ok' });
    await fx.seedDevice({ deviceId: 'dev-off', enabled: false });
    await fx.seedDevice({ deviceId: 'dev-flood' });
    await fx.seedDevice({ deviceId: 'dev-two' });
    await fx.seedDevice({ deviceId: 'dev-victim' });
    for (let i = 0; i < 30; i++) await fx.seedDevice({ deviceId: `nat-${i}` });
    ingest = await fx.startInstance({ RATE_LIMIT_IP_PER_SEC: '1', RATE_LIMIT_IP_BURST: '40' });
    second = await fx.startInstance();
  });
  after(() => fx.close());

  it('given a key id that is not in the ring, when sent, then unknown_key', () =>
    expectRejected('unknown_key', phone('dev-ok', { keyId: 9 })));

  it('given the right key id but the wrong secret, when sent, then bad_tag', () =>
    expectRejected('bad_tag', phone('dev-ok', { secret: 'Wrongkey12345678' })));

  it('given one flipped ciphertext bit, when sent over UDP, then bad_tag', () =>
    expectRejected('bad_tag', phone('dev-ok'), { mutate: (p) => flipBit(p, (p.length - 20) * 8) }));

  it('given a flipped header bit (counter), when sent over HTTP, then bad_tag', () =>
    expectRejected('bad_tag', phone('dev-ok', { transport: 'http' }), {
      mutate: (p) => flipBit(p, (9 + 6 + 7) * 8 + 7),
    }));

  it('given a packet cut below the minimum, when sent, then too_small', () =>
    expectRejected('too_small', phone('dev-ok'), { mutate: (p) => truncate(p, 40) }));

  it('given a packet missing its last byte, when sent, then bad_tag', () =>
    expectRejected('bad_tag', phone('dev-ok'), { mutate: (p) => truncate(p, p.length - 1) }));

  it('given a device admin never registered, when sent, then unknown_device', () =>
    expectRejected('unknown_device', phone('dev-ghost')));

  it('given a disabled device, when sent, then disabled_device', () =>
    expectRejected('disabled_device', phone('dev-off')));

  it('given a timestamp three minutes old, when sent, then stale_timestamp', () =>
    expectRejected('stale_timestamp', phone('dev-ok'), { timestampMs: Date.now() - 180_000 }));

  it('given an oversized datagram and an oversized HTTP body, when sent, then too_large', async () => {
    const before = await ingest.rejected('too_large');
    const socket = createSocket('udp4');
    let replies = 0;
    socket.on('message', () => replies++);
    await new Promise<void>((r) => socket.send(new Uint8Array(1300), ingest.port, '127.0.0.1', () => r()));
    const res = await fetch(`http://127.0.0.1:${ingest.port}/v1/phone`, {
      method: 'POST',
      body: new Uint8Array(5000),
    });
    assert.equal(res.status, 403);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    await eventually(async () => (await ingest.rejected('too_large')) >= before + 2, 3000, 'too_large x2');
    socket.close();
    assert.equal(replies, 0);
  });

  it('given a packet accepted once, when the same bytes are replayed, then replay and one publish only', async () => {
    const before = await ingest.rejected('replay');
    const published = await fx.streamMessages();
    const r = await phone('dev-ok').send({ presence: {} }, { replays: 2, timeoutMs: 500 });
    assert.equal(r.replies.length, 1);
    await eventually(async () => (await ingest.rejected('replay')) === before + 2, 3000, 'two replays');
    assert.equal(await fx.streamMessages(), published + 1);
  });

  it('given a packet accepted by one instance, when replayed to another sharing Redis, then replay', async () => {
    const client = phone('dev-two');
    const counter = client.nextCounter();
    const { packet } = client.seal({ ping: {} }, { counter });
    const first = await client.send({ ping: {} }, { counter, mutate: () => packet });
    assert.equal(first.replies.length, 1);
    await expectRejected('replay', phone('dev-two', { port: second.port }), { mutate: () => packet }, second);
  });

  it('given a counter far below the highest accepted, when sent, then replay', async () => {
    const client = phone('dev-ok');
    const high = client.nextCounter() + 10_000;
    assert.equal((await client.send({ ping: {} }, { counter: high })).replies.length, 1);
    await expectRejected('replay', client, { counter: high - 5000 });
  });

  it('given a forged counter of 2^53 - 1 for a device, when sent, then counter_ahead, its window does not move and the device keeps working', async () => {
    const victim = phone('dev-victim');
    assert.equal((await victim.send({ ping: {} })).replies.length, 1);
    const [highKey] = replayKeys(fx.redisPrefix, 'dev-victim', 0);
    const highest = await fx.redis.get(highKey);
    await expectRejected('counter_ahead', phone('dev-victim'), { counter: Number.MAX_SAFE_INTEGER });
    await expectRejected('counter_ahead', phone('dev-victim'), { counter: Date.now() + 180_000 });
    assert.equal(await fx.redis.get(highKey), highest, 'the highest accepted counter is unchanged');
    const next = await victim.send({ presence: { connected: { ssid: 'Office' } } });
    assert.equal(next.replies.length, 1, 'the real phone is still answered');
    const line = ingest.logLines.map((l) => JSON.parse(l)).find((l) => l.reason === 'counter_ahead');
    assert.equal(line.msg, 'rejected packet from 127.0.0.1: counter_ahead');
  });

  it('given one device sending faster than its limit, when flooded, then rate_limited_device', async () => {
    const before = await ingest.rejected('rate_limited_device');
    await phone('dev-flood').send({ ping: {} }, { timeoutMs: 200 });
    const client = phone('dev-flood');
    await Promise.all(Array.from({ length: 15 }, () => client.send({ ping: {} }, { timeoutMs: 300 })));
    assert.ok((await ingest.rejected('rate_limited_device')) > before);
  });

  it('given many devices behind one IP, when flooded, then rate_limited_ip, counted and logged for fail2ban', async () => {
    const before = await ingest.rejected('rate_limited_ip');
    const published = await fx.streamMessages();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => phone(`nat-${i}`).send({ presence: {} }, { timeoutMs: 500 })),
    );
    const answered = results.filter((r) => r.rawReplies.length > 0).length;
    const limited = (await ingest.rejected('rate_limited_ip')) - before;
    assert.ok(limited > 0, 'some packets were rate limited');
    assert.equal(answered + limited, 30);
    assert.equal(await fx.streamMessages(), published + answered);
    const line = ingest.logLines.map((l) => JSON.parse(l)).find((l) => l.reason === 'rate_limited_ip');
    assert.equal(line.event, 'packet_rejected');
    assert.equal(line.src, '127.0.0.1');
    assert.equal(line.msg, 'rejected packet from 127.0.0.1: rate_limited_ip');
  });
});

// Change-driven presence, ingest's side, with the reference client over real UDP, NATS and Redis:
// a report equal to the fingerprint router stored for the device is answered after its liveness is
// recorded, with no JetStream message; any other report (another network, another device, no
// fingerprint, stronger visible networks) is published as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PhoneClient } from '@sa/phone-client';
import { encodeQuiet, livenessMember, presenceFingerprint, quietPresenceKeys } from '@sa/platform';
import { v1 } from '@sa/proto';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

const OFFICE = { ssid: 'Office', bssid: 'AA:BB:CC:DD:EE:01', rssiDbm: -50 };
const LOBBY = { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:02', rssiDbm: -60 };
const SETTINGS = { visibleRssiMinDbm: -75, maxVisible: 3 };

describe('ingest: change-driven presence', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;
  let keys: ReturnType<typeof quietPresenceKeys>;
  const phone = (deviceId = 'dev-q') =>
    new PhoneClient(
      { deviceId, secret: '1234567890123456', keyId: 1 },
      { host: '127.0.0.1', port: ingest.port, transport: 'udp' },
    );
  /** What router does when it marks the device quiet at the office (a weak visible network ignored). */
  const markQuiet = (deviceId: string) =>
    fx.redis.set(
      keys.quiet(deviceId),
      encodeQuiet(SETTINGS, presenceFingerprint(OFFICE, [{ ...LOBBY, rssiDbm: -90 }], SETTINGS)),
    );

  before(async () => {
    fx = await IngestFixture.create();
    keys = quietPresenceKeys(fx.prefix);
    await fx.seedKeys([{ keyId: 1, secret: '1234567890123456' }]);
    for (const id of ['dev-q', 'dev-other', 'dev-w']) await fx.seedDevice({ deviceId: id, extension: '201' });
    ingest = await fx.startInstance();
  });
  after(async () => {
    await fx.redis.del(
      keys.quiet('dev-q'),
      keys.quiet('dev-other'),
      keys.quiet('dev-w'),
      keys.pending('dev-w'),
      keys.liveness,
    );
    await fx.close();
  });

  it('given router marked the device quiet at the office, when it reports the office again, then it is answered OK with no bus message and its liveness is recorded', async () => {
    await markQuiet('dev-q');
    const before = await fx.streamMessages();
    const started = Date.now();
    // the same networks, signal changed, BSSID in upper case: nothing the matching reads differs
    const r = await phone().send({ presence: { connected: { ...OFFICE, rssiDbm: -40 }, visible: [] } });
    assert.equal(r.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
    assert.equal(await fx.streamMessages(), before, 'no JetStream message');
    const seen = Number(await fx.redis.zscore(keys.liveness, livenessMember('201', 'dev-q')));
    assert.ok(seen >= started - 5 && seen <= Date.now() + 5, `liveness ${seen}`);
    assert.ok((await ingest.metric('sa_ingest_presence_unchanged_seconds')) > 0, 'counted as unchanged');
  });

  it('given the quiet device, when it reports another network or a strong new visible one, then each report is published', async () => {
    await markQuiet('dev-q');
    const before = await fx.streamMessages();
    const moved = await phone().send({ presence: { connected: LOBBY } });
    assert.equal(moved.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
    const seesMore = await phone().send({ presence: { connected: OFFICE, visible: [LOBBY] } });
    assert.equal(seesMore.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
    assert.equal(await fx.streamMessages(), before + 2);
  });

  it('given a quiet device that moved (published) and came straight back before router applied the move, when it reports the office, then it is published, not answered from the mark of before', async () => {
    await markQuiet('dev-q');
    const before = await fx.streamMessages();
    await phone().send({ presence: { connected: LOBBY } });
    const tombstone = await fx.redis.get(keys.quiet('dev-q'));
    assert.match(String(tombstone), /^~\d+$/, 'the move replaced the mark with a tombstone');
    const back = await phone().send({ presence: { connected: OFFICE } });
    assert.equal(back.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
    assert.equal(await fx.streamMessages(), before + 2, 'both published');
    // router applies both and marks the office again: quiet once more
    await markQuiet('dev-q');
    await phone().send({ presence: { connected: OFFICE } });
    assert.equal(await fx.streamMessages(), before + 2, 'quiet again');
  });

  it('given a device router never marked (or another device), when it reports the same office, then it is published', async () => {
    await markQuiet('dev-q');
    const before = await fx.streamMessages();
    await phone('dev-other').send({ presence: { connected: OFFICE } });
    assert.equal(await fx.streamMessages(), before + 1);
    await fx.redis.del(keys.quiet('dev-q'));
    await phone('dev-q').send({ presence: { connected: OFFICE } });
    assert.equal(await fx.streamMessages(), before + 2, 'router took the mark back: published again');
  });

  it('given an unchanged report sent three times (the same bytes), then it is answered once and the copies are replays', async () => {
    await markQuiet('dev-q');
    const replays = await ingest.rejected('replay');
    const before = await fx.streamMessages();
    const r = await phone().send({ presence: { connected: OFFICE } }, { replays: 2, timeoutMs: 500 });
    assert.equal(r.replies.length, 1);
    await eventually(async () => (await ingest.rejected('replay')) === replays + 2, 3000, 'two replays');
    assert.equal(await fx.streamMessages(), before);
  });

  it('given router has still to apply a published move (its partition durable has not acknowledged it), when the phone reports the same place again, then that costs no bus message until router acknowledges the move', async () => {
    const jsm = await jetstreamManager(fx.nc);
    const durable = 'router_p0_of_1'; // what a router with one partition consumes the stream with
    await jsm.consumers.add(fx.names.phoneStream, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.New,
    });
    try {
      await markQuiet('dev-w');
      const ann = phone('dev-w'); // one client: its counters increase
      assert.equal((await ann.send({ presence: { connected: OFFICE } })).replies.length, 1); // a mark read
      const before = await fx.streamMessages();
      await ann.send({ presence: { connected: LOBBY } });
      assert.equal(await fx.streamMessages(), before + 1, 'the move is published');
      await eventually(
        async () => /^\d+@\d+\|/.test(String(await fx.redis.get(keys.pending('dev-w')))),
        3000,
        'the pending report recorded once JetStream stored it',
      );
      await new Promise((r) => setTimeout(r, 600)); // the durable's floor read since
      const started = Date.now();
      const waiting = await ingest.metric('sa_ingest_presence_waiting_total');
      for (let i = 0; i < 3; i++) {
        const again = await ann.send({ presence: { connected: { ...LOBBY, rssiDbm: -55 - i } } });
        assert.equal(again.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
      }
      assert.equal(await fx.streamMessages(), before + 1, 'the same place while router has not applied it');
      const seen = Number(await fx.redis.zscore(keys.liveness, livenessMember('201', 'dev-w')));
      assert.ok(seen >= started - 5, 'their liveness is recorded');
      assert.equal(
        await ingest.metric('sa_ingest_presence_waiting_total'),
        waiting + 3,
        'counted as waiting',
      );
      const back = await ann.send({ presence: { connected: OFFICE } });
      assert.equal(back.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
      assert.equal(await fx.streamMessages(), before + 2, 'another place is published at once');
      // router applies both reports and acknowledges them (cumulative ack of the last)
      const consumer = await jetstream(fx.nc).consumers.get(fx.names.phoneStream, durable);
      const got = await consumer.fetch({ max_messages: 10, expires: 2000 });
      let last: { ack(): void } | null = null;
      for await (const m of got) {
        last = m;
        if (m.info.pending === 0) break;
      }
      last?.ack();
      await eventually(
        async () => (await jsm.consumers.info(fx.names.phoneStream, durable)).ack_floor.stream_seq > 0,
        3000,
        'acknowledged',
      );
      await new Promise((r) => setTimeout(r, 600));
      await ann.send({ presence: { connected: OFFICE } });
      assert.equal(await fx.streamMessages(), before + 3, 'applied and not marked quiet: published again');
    } finally {
      await jsm.consumers.delete(fx.names.phoneStream, durable);
    }
  });
});

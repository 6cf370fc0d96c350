// Change-driven presence, ingest's side, with the reference client over real UDP, NATS and Redis:
// a report equal to the fingerprint router stored for the device is answered after its liveness is
// recorded, with no JetStream message; any other report (another network, another device, no
// fingerprint, stronger visible networks) is published as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
    for (const id of ['dev-q', 'dev-other']) await fx.seedDevice({ deviceId: id, extension: '201' });
    ingest = await fx.startInstance();
  });
  after(async () => {
    await fx.redis.del(keys.quiet('dev-q'), keys.quiet('dev-other'), keys.liveness);
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
});

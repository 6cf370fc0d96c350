// POST /devices/:deviceId/reset-replay against the real admin, with a NATS responder standing in for
// ingest on the test's bus prefix (the real ingest answering it: services/ingest/test/replay-reset.test.ts,
// both together: packages/e2e/test/replay-reset.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { type Harness, startHarness } from '../src/test-support/admin-harness.js';

const DEV = 'RESETME0123456789';

/** Answers every replay reset on the harness's prefix with `reply`; returns the requests it saw. */
async function fakeIngest(
  h: Harness,
  reply: { ok: boolean; errorCode?: string; hadState?: boolean; highestCounter?: number },
): Promise<Array<{ deviceId: string; requestedBy: string }>> {
  const { nc } = await h.nats();
  const seen: Array<{ deviceId: string; requestedBy: string }> = [];
  const sub = nc.subscribe(busNames(h.prefix).replayReset, { queue: 'ingest' });
  void (async () => {
    for await (const msg of sub) {
      const r = decodeMessage(v1.ReplayResetRequest, msg.data, 'ReplayResetRequest');
      seen.push({ deviceId: r.deviceId ?? '', requestedBy: r.requestedBy ?? '' });
      msg.respond(encodeMessage(v1.ReplayResetReply, reply, 'ReplayResetReply'));
    }
  })();
  await nc.flush();
  return seen;
}

const resets = async (h: Harness) =>
  (await h.call('GET', '/api/v1/audit?entity=device&limit=50')).json.items.filter(
    (a: { action: string }) => a.action === 'reset_replay',
  );

test('given ingest answering, when an admin resets a device, then 200 with the forgotten counter, the request names the admin, and the audit log has it', async () => {
  await using h = await startHarness();
  assert.equal((await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' })).status, 201);
  const seen = await fakeIngest(h, { ok: true, hadState: true, highestCounter: 1_700_000_123_456 });
  const res = await h.call('POST', `/api/v1/devices/${DEV}/reset-replay`);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json, { deviceId: DEV, hadState: true, highestCounter: 1_700_000_123_456 });
  assert.deepEqual(seen, [{ deviceId: DEV, requestedBy: 'admin:admin' }]);
  const audit = await resets(h);
  assert.equal(audit.length, 1);
  assert.equal(audit[0].actor, 'admin:admin');
  assert.equal(audit[0].entityId, DEV);
  assert.deepEqual(audit[0].before, { highestCounter: 1_700_000_123_456 });
  assert.deepEqual(audit[0].after, { highestCounter: null });
});

test('given ingest remembering nothing for the device, when reset, then 200 with hadState false and highestCounter null', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  await fakeIngest(h, { ok: true, hadState: false });
  const res = await h.call('POST', `/api/v1/devices/${DEV}/reset-replay`);
  assert.deepEqual(res.json, { deviceId: DEV, hadState: false, highestCounter: null });
});

test('given no ingest on the bus, when reset, then 503 ADMIN_INGEST_UNAVAILABLE and nothing is audited', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  const res = await h.call('POST', `/api/v1/devices/${DEV}/reset-replay`);
  assert.equal(res.status, 503, res.body);
  assert.equal(res.json.error.code, 'ADMIN_INGEST_UNAVAILABLE');
  assert.deepEqual(await resets(h), []);
});

test('given ingest whose Redis is down, when reset, then 503 ADMIN_INGEST_UNAVAILABLE naming ingest’s code, nothing audited', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  await fakeIngest(h, {
    ok: false,
    errorCode: 'INGEST_REPLAY_STORE_UNAVAILABLE',
    hadState: false,
  });
  const res = await h.call('POST', `/api/v1/devices/${DEV}/reset-replay`);
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, 'ADMIN_INGEST_UNAVAILABLE');
  assert.equal(res.json.error.details.ingestCode, 'INGEST_REPLAY_STORE_UNAVAILABLE');
  assert.deepEqual(await resets(h), []);
});

test('given an unknown device, when reset, then 404 ADMIN_DEVICE_NOT_FOUND and ingest is not asked', async () => {
  await using h = await startHarness();
  const seen = await fakeIngest(h, { ok: true, hadState: false });
  const res = await h.call('POST', '/api/v1/devices/NOSUCHDEVICE1/reset-replay');
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, 'ADMIN_DEVICE_NOT_FOUND');
  assert.deepEqual(seen, []);
});

// Issue 17 (privacy by design): admin records where devices were (changes of place only, nothing of
// the network) and where calls went, from router's DeviceReported and CallRouted, in batches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import pg from 'pg';
import { PresenceRecorder } from '../src/privacy/presence-recorder.js';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';
import { deviceReported } from '../src/test-support/device-reported.js';
import { DATABASE_URL } from '../src/test-support/pg.js';

const FAST = { ADMIN_HISTORY_FLUSH_MS: '20' };

async function withExtensions(h: Harness, ...exts: string[]): Promise<void> {
  for (const extension of exts) {
    const res = await h.call('POST', '/api/v1/extensions', { extension });
    assert.equal(res.status, 201, res.body);
  }
}

/** Publishes router's DeviceReported for `deviceId` at `place` (with a network the history must not keep). */
async function report(h: Harness, ext: string, deviceId: string, atMs: number, place: string) {
  const c = await h.nats();
  c.nc.publish(
    busNames(h.prefix).deviceReported(ext),
    deviceReported({
      deviceId,
      extension: ext,
      reportedAtMs: atMs,
      ssid: 'SecretCorpNet',
      bssid: 'aa:bb:cc:dd:ee:01',
      rssiDbm: -42,
      locationName: place,
      reason: 'test',
    }),
  );
  await c.nc.flush();
}

const places = async (h: Harness, ext: string) =>
  (await h.app.privacy.presence.recent(ext, 100)).map((e) => e.placeName).reverse();

test('given three reports at the same place and then a move, when recorded, then one row per change of place and nothing of the network', async () => {
  await using h = await startHarness(FAST);
  await withExtensions(h, '230');
  const t0 = Date.now() - 60_000;
  await report(h, '230', 'DEV230A', t0, 'Office');
  await report(h, '230', 'DEV230A', t0 + 1000, 'Office');
  await report(h, '230', 'DEV230A', t0 + 2000, 'Office');
  await report(h, '230', 'DEV230A', t0 + 3000, 'Conference');
  // reports are handled in order: once the move is stored, the three at the Office were too
  await eventually(async () => ((await places(h, '230')).length === 2 ? true : undefined));
  assert.deepEqual(await places(h, '230'), ['Office', 'Conference']);
  await report(h, '230', 'DEV230A', t0 + 4000, 'Conference');
  await report(h, '230', 'DEV230A', t0 + 5000, '');
  await eventually(async () => ((await places(h, '230')).length === 3 ? true : undefined));
  const entries = await h.app.privacy.presence.recent('230', 100);
  assert.deepEqual(
    entries.map((e) => [e.placeName, e.at]),
    [
      ['', new Date(t0 + 5000).toISOString()],
      ['Conference', new Date(t0 + 3000).toISOString()],
      ['Office', new Date(t0).toISOString()],
    ],
  );
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'presence_history' ORDER BY ordinal_position`,
      [h.schema],
    );
    assert.deepEqual(
      rows.map((r) => r.column_name),
      ['id', 'at', 'extension', 'device_id', 'place_name'],
      'only the place is stored: no SSID, BSSID or signal',
    );
  } finally {
    await pool.end();
  }
});

test('given a user who paused location, when their device reports, then nothing is recorded for them', async () => {
  await using h = await startHarness(FAST);
  await withExtensions(h, '231', '232');
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`UPDATE "${h.schema}".extensions SET location_paused_at = now() WHERE extension = '231'`);
  await pool.end();
  const t0 = Date.now() - 60_000;
  await report(h, '231', 'DEV231A', t0, 'Office');
  await report(h, '231', 'DEV231A', t0 + 1000, 'Conference');
  await report(h, '232', 'DEV232A', t0 + 2000, 'Office'); // handled after 231's: a marker
  await eventually(async () => ((await places(h, '232')).length === 1 ? true : undefined));
  assert.deepEqual(await places(h, '231'), []);
});

test('given a device whose last recorded place is in the table, when a new recorder sees it there again, then no row; a move records one', async () => {
  await using h = await startHarness(FAST);
  await withExtensions(h, '233');
  const repo = h.app.privacy.presence;
  const t0 = Date.now() - 60_000;
  await repo.insert([{ atMs: t0, extension: '233', deviceId: 'DEV233A', placeName: 'Office' }]);
  const recorder = new PresenceRecorder(repo, {
    maxRows: 100,
    flushRows: 100,
    flushMs: 10_000,
    logger: createLogger('t', 'silent'),
  });
  recorder.report({ deviceId: 'DEV233A', extension: '233', atMs: t0 + 1000, placeName: 'Office' });
  await recorder.flush();
  assert.deepEqual(await places(h, '233'), ['Office'], 'seeded from the table: not a change');
  recorder.report({ deviceId: 'DEV233A', extension: '233', atMs: t0 + 2000, placeName: 'Lab' });
  await recorder.stop();
  assert.deepEqual(await places(h, '233'), ['Office', 'Lab']);
});

test('given router publishes CallRouted, when admin receives it, then the call history holds the call with where it went and why', async () => {
  await using h = await startHarness(FAST);
  await withExtensions(h, '234');
  const c = await h.nats();
  const decidedAtMs = Date.now() - 5000;
  c.nc.publish(
    busNames(h.prefix).callRouted('234'),
    encodeMessage(
      v1.CallRouted,
      v1.CallRouted.create({
        callId: '1700000000.42',
        extension: '234',
        callerIdNum: '03012345',
        targetDial: '299',
        targetName: 'SMART-Conference',
        scenarioId: 'conf',
        scenarioName: 'Conference',
        reason: 'device D234 connected to BSSID aa:bb:cc:00:00:02 = location Conference',
        decidedAtMs,
        fallback: false,
        correctedFrom: '',
      }),
      'CallRouted',
    ),
  );
  const calls = await eventually(async () => {
    const items = await h.app.privacy.calls.recent('234', 10);
    return items.length > 0 ? items : undefined;
  });
  assert.deepEqual(calls, [
    {
      callId: '1700000000.42',
      at: new Date(decidedAtMs).toISOString(),
      callerIdNum: '03012345',
      targetDial: '299',
      targetName: 'SMART-Conference',
      scenarioName: 'Conference',
      reason: 'device D234 connected to BSSID aa:bb:cc:00:00:02 = location Conference',
      fallback: false,
    },
  ]);
});

test("given two users' histories, when one user's presence history is deleted, then only their rows go and the deletion is audited", async () => {
  await using h = await startHarness(FAST);
  await withExtensions(h, '235', '236');
  const repo = h.app.privacy.presence;
  const t0 = Date.now() - 60_000;
  await repo.insert([
    { atMs: t0, extension: '235', deviceId: 'DEV235A', placeName: 'Office' },
    { atMs: t0 + 1000, extension: '235', deviceId: 'DEV235A', placeName: 'Lab' },
    { atMs: t0, extension: '236', deviceId: 'DEV236A', placeName: 'Office' },
  ]);
  assert.equal(await repo.deleteFor('user:235', '235'), 2);
  assert.deepEqual(await places(h, '235'), []);
  assert.deepEqual(await places(h, '236'), ['Office']);
  const audit = await h.call('GET', '/api/v1/audit?entity=presence_history&limit=10');
  const row = audit.json.items.find((a: { action: string }) => a.action === 'delete');
  assert.equal(row?.actor, 'user:235');
  assert.equal(row?.entityId, '235');
  assert.deepEqual(row?.before, { entries: 2 });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Decision, type DeviceReport, PresenceBoard } from './presence-board.js';

const entry = (extension: string, version: number, scenarioName = 'Office'): Decision => ({
  extension,
  scenarioId: 's1',
  scenarioName,
  targetDial: '230',
  targetName: 'SMART-Desk',
  reason: 'location',
  decidedAt: new Date(0).toISOString(),
  version,
});

test('given an older version arriving after a newer one, when applied, then the newer entry stays', () => {
  const board = new PresenceBoard();
  const seen: string[] = [];
  board.subscribe((e) => seen.push(`${e.extension}:${e.version}`));
  assert.equal(board.apply(entry('230', 2, 'Home')), true);
  assert.equal(board.apply(entry('230', 1, 'Office')), false);
  board.apply(entry('100', 1));
  assert.deepEqual(
    board.list().map((e) => `${e.extension}:${e.scenarioName}`),
    ['100:Office', '230:Home'],
  );
  assert.deepEqual(seen, ['230:2', '100:1']);
});

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const report = (over: Partial<DeviceReport> = {}): DeviceReport => ({
  deviceId: 'D1',
  extension: '230',
  counter: 1,
  reportedAtMs: T0,
  connected: { ssid: 'HomeNet', bssid: 'de:ad:be:ef:00:01', rssiDbm: -50 },
  locationName: '',
  scenarioId: 's-away',
  scenarioName: 'Away',
  targetDial: '0170230',
  targetName: '230-Mobile',
  reason: 'device D1 connected to SSID HomeNet, no rule matched; default scenario "Away"',
  version: 1,
  decidedAtMs: T0 - 60_000,
  presenceTimeoutMs: 120_000,
  ...over,
});

test('given the start-up decision, when a device reports an unknown network without a scenario change, then the user shows the new reason and the device its network (issue 15)', () => {
  let now = T0;
  const board = new PresenceBoard(() => now);
  board.apply({ ...entry('230', 1, 'Away'), reason: 'no presence reported yet; default scenario "Away"' });
  const seen: string[] = [];
  board.subscribe((e) => seen.push(`${e.reason} / ${e.devices.map((d) => d.deviceId).join()}`));
  assert.equal(board.report(report()), true);
  const [user] = board.list();
  assert.match(user!.reason, /connected to SSID HomeNet, no rule matched/);
  assert.deepEqual(user!.devices, [
    {
      deviceId: 'D1',
      presence: 'online',
      reportedAt: new Date(T0).toISOString(),
      onlineUntil: new Date(T0 + 120_000).toISOString(),
      network: { ssid: 'HomeNet', bssid: 'de:ad:be:ef:00:01', rssiDbm: -50 },
      location: '',
      scenarioName: 'Away',
      reason: report().reason,
    },
  ]);
  assert.equal(seen.length, 1);
  assert.deepEqual(board.seen('D1'), { lastSeenAt: new Date(T0).toISOString(), presence: 'online' });
  now = T0 + 120_000;
  assert.deepEqual(board.seen('D1'), { lastSeenAt: new Date(T0).toISOString(), presence: 'offline' });
  assert.deepEqual(board.seen('NEVER'), { lastSeenAt: null, presence: 'unknown' });
});

test('given reports out of order and a device moved to another user, then the newest report wins and the device is listed once', () => {
  const board = new PresenceBoard(() => T0);
  board.report(report({ counter: 2, reportedAtMs: T0 + 1000, reason: 'newer' }));
  assert.equal(board.report(report({ counter: 1, reportedAtMs: T0, reason: 'older' })), false);
  assert.equal(board.list()[0]!.reason, 'newer');
  board.report(report({ extension: '231', counter: 3, reportedAtMs: T0 + 2000 }));
  assert.deepEqual(
    board.list().map((e) => `${e.extension}:${e.devices.map((d) => d.deviceId).join()}`),
    ['230:', '231:D1'],
  );
});

test('given a newer ScenarioChanged, when an older decision arrives with a report, then the device updates and the decision stays', () => {
  const board = new PresenceBoard(() => T0);
  board.apply(entry('230', 5, 'Office'));
  board.report(report({ version: 4, scenarioName: 'Away' }));
  const [user] = board.list();
  assert.equal(user!.scenarioName, 'Office');
  assert.equal(user!.devices[0]!.scenarioName, 'Away');
});

test('given a device quiet at home (change-driven presence), when ingest says it was still seen, then only its last seen moves and it stays online past the timeout', () => {
  let now = T0;
  const board = new PresenceBoard(() => now);
  board.report(report({ presenceTimeoutMs: 60_000 }));
  now = T0 + 90_000;
  assert.equal(board.seen('D1').presence, 'offline', 'without liveness: offline after the timeout');
  assert.equal(board.stillSeen('D1', T0 + 85_000), true);
  assert.deepEqual(board.seen('D1'), { lastSeenAt: new Date(T0 + 85_000).toISOString(), presence: 'online' });
  assert.equal(board.stillSeen('D1', T0 + 10_000), false, 'never moved back');
  assert.equal(board.stillSeen('unknown', T0 + 85_000), false, 'a device the board never saw is left alone');
  const device = board.list()[0];
  assert.equal(device?.scenarioName, 'Away', 'the decision is what the last applied report said');
});

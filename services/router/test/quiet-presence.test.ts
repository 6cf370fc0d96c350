// Change-driven presence, router's side, with real NATS JetStream and Redis and an injected clock.
// Ingest is played by this test: after router marks a device quiet, its unchanged reports arrive
// only as liveness (ZADD GT in the liveness set), never on the bus. Router must then keep the user
// where they are for as long as liveness comes, fall back at the presence timeout once it stops
// (not earlier, ≤ 1 s later), and take the mark back when a second device or a move needs reports.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { livenessMember, presenceFingerprint, quietPresenceKeys } from '@sa/platform';
import { CONF_AP, Harness, OFFICE_AP, waitFor } from './harness.js';

const TIMEOUT_S = 60;
const SWEEP_MS = 50;

describe('router: quiet devices (change-driven presence)', () => {
  let h: Harness;
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  let keys: ReturnType<typeof quietPresenceKeys>;
  let counter = 0;
  const env = {
    PRESENCE_TIMEOUT_S: String(TIMEOUT_S),
    HYSTERESIS_REPORTS: '2',
    ROUTER_SWEEP_MS: String(SWEEP_MS),
  };
  const quietValue = (device: string) => h.redis.get(keys.quiet(device));
  /** What ingest does with an unchanged report of a quiet device. */
  const liveness = (ext: string, device: string, atMs: number) =>
    h.redis.zadd(keys.liveness, 'GT', atMs, livenessMember(ext, device));
  const settle = () => new Promise((r) => setTimeout(r, SWEEP_MS * 6));

  before(async () => {
    h = await new Harness().setup();
    keys = quietPresenceKeys(h.prefix);
    for (const ext of ['250', '251', '252', '253']) await h.putConfig(ext);
    await h.startRouter(env, () => now);
  });
  after(async () => {
    // the liveness set and the quiet marks (hash-tagged with the liveness key's name)
    const quiet = [
      ...(await h.redis.keys(`sa:${h.prefix}:*`)),
      ...(await h.redis.keys(`{sa:${h.prefix}:live}:*`)),
    ];
    if (quiet.length > 0) await h.redis.del(...quiet);
    await h.teardown();
  });

  test('given a phone settled at the office, then it is marked quiet with its fingerprint and its liveness is seeded', async () => {
    await h.presence('250', 'Q250', ++counter, OFFICE_AP, now);
    await waitFor(() => h.lastAstDb('250') === '250', 'the desk');
    const value = await waitFor(() => quietValue('Q250'), 'the quiet mark');
    const fingerprint = presenceFingerprint({ ssid: 'Corp', bssid: OFFICE_AP }, [], {
      visibleRssiMinDbm: -75,
      maxVisible: 3,
    });
    assert.equal(value, `-75|3|${fingerprint}`);
    assert.equal(Number(await h.redis.zscore(keys.liveness, livenessMember('250', 'Q250'))), now);
  });

  test('given only liveness for ten timeouts, then the user stays at the desk; when liveness stops, then the default is written at the timeout, not before', async () => {
    const start = now;
    for (let i = 1; i <= 10; i++) {
      now = start + i * TIMEOUT_S * 500; // every half timeout, as a phone reporting unchanged
      await liveness('250', 'Q250', now);
      await settle();
      assert.equal(h.lastAstDb('250'), '250', `still at the desk after ${i * TIMEOUT_S * 0.5} s`);
    }
    const last = now;
    now = last + TIMEOUT_S * 1000 - 300;
    await settle();
    assert.equal(h.lastAstDb('250'), '250', 'not before the timeout');
    now = last + TIMEOUT_S * 1000 + 100;
    const crossed = performance.now();
    await waitFor(() => h.lastAstDb('250') === '0170250', 'the default after the timeout');
    assert.ok(performance.now() - crossed < 1000, 'within a second of the timeout');
    await waitFor(async () => (await quietValue('Q250')) === null, 'the quiet mark taken back');
    await waitFor(
      async () => (await h.redis.zscore(keys.liveness, livenessMember('250', 'Q250'))) === null,
      'the liveness entry dropped',
    );
  });

  test('given a quiet phone, when a second device of the user reports, then neither is quiet; when that one falls silent, the first is quiet again', async () => {
    await h.presence('251', 'A251', ++counter, OFFICE_AP, now);
    await waitFor(() => quietValue('A251'), 'A quiet');
    await h.presence('251', 'B251', ++counter, CONF_AP, now + 1000);
    await h.presence('251', 'B251', ++counter, CONF_AP, now + 2000);
    await waitFor(async () => (await quietValue('A251')) === null, 'A no longer quiet');
    assert.equal(await quietValue('B251'), null, 'B is not quiet either');
    // A keeps reporting (published: it is not quiet), B falls silent
    for (let i = 1; i <= 3; i++) {
      now += TIMEOUT_S * 500;
      await h.presence('251', 'A251', ++counter, OFFICE_AP, now);
    }
    await waitFor(() => h.lastAstDb('251') === '251', 'the desk (A is the only fresh device)');
    await waitFor(() => quietValue('A251'), 'A quiet again');
  });

  test('given a quiet phone, when it reports a move, then the move goes through hysteresis (not quiet meanwhile) and it is quiet again at the new place', async () => {
    await h.presence('252', 'Q252', ++counter, OFFICE_AP, now);
    await waitFor(() => quietValue('Q252'), 'quiet at the office');
    await h.presence('252', 'Q252', ++counter, CONF_AP, now + 1000);
    await waitFor(async () => (await quietValue('Q252')) === null, 'not quiet while the move is pending');
    assert.equal(h.lastAstDb('252'), '252', 'hysteresis: still the desk after one report');
    await h.presence('252', 'Q252', ++counter, CONF_AP, now + 2000);
    await waitFor(() => h.lastAstDb('252') === '299', 'the conference room');
    const fingerprint = presenceFingerprint({ ssid: 'Corp', bssid: CONF_AP }, [], {
      visibleRssiMinDbm: -75,
      maxVisible: 3,
    });
    await waitFor(async () => (await quietValue('Q252')) === `-75|3|${fingerprint}`, 'quiet at the room');
  });

  test('given a device that is not quiet (a move pending) whose repeats ingest answered as liveness while router was behind, when its last applied report times out, then the user is not sent to the default; once liveness stops, the default comes at the timeout', async () => {
    const start = now;
    await h.presence('253', 'N253', ++counter, OFFICE_AP, start);
    await waitFor(() => quietValue('N253'), 'quiet at the office');
    await h.presence('253', 'N253', ++counter, CONF_AP, start + 1000);
    await waitFor(async () => (await quietValue('N253')) === null, 'not quiet while the move is pending');
    // the phone goes on reporting the room; router still had that report to apply, so ingest
    // recorded the repeats as liveness only
    await liveness('253', 'N253', start + 30_000);
    await liveness('253', 'N253', start + 60_000);
    now = start + 1000 + TIMEOUT_S * 1000 + 500; // the applied report's timeout has passed
    await settle();
    // fresh by its liveness, and the room pending longer than HYSTERESIS_S (20 s): the move stands
    assert.equal(h.lastAstDb('253'), '299', 'seen within the timeout: the room, not the default');
    now = start + 60_000 + TIMEOUT_S * 1000 + 100;
    const crossed = performance.now();
    await waitFor(() => h.lastAstDb('253') === '0170253', 'the default once liveness stopped');
    assert.ok(performance.now() - crossed < 1000, 'within a second of the timeout');
  });
});

// With the AstDB-first dialplan a call dials whatever AstDB holds, so router must rewrite a user's
// target on its own whenever time alone changes the decision: a time-window edge, the expiry of an
// explicit choice, a presence timeout. The routing clock is injected: each step moves it to just
// before an edge (AstDB must not change) and then just past it (the write must come within a sweep
// or two, real time), with real NATS JetStream, Redis and a recording ami-bridge.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { encodeMessage, v1 } from '@sa/proto';
import { Harness, OFFICE_AP, waitFor } from './harness.js';

const EXT = '240';
const MIN = 60_000;
/** Monday 5 January 2026, 07:59:30 UTC */
const MONDAY_0759 = Date.UTC(2026, 0, 5, 7, 59, 30);
const PRESENCE_TIMEOUT_S = 120;
const SWEEP_MS = 50;
/** how long (real time) a write may take after the clock passed its edge: a sweep plus the AMI round trip */
const WRITE_WITHIN_MS = 1000;

function config(): Uint8Array {
  const target = (id: string, dial: string) => ({ id, name: id, dial, generic: true });
  return encodeMessage(
    v1.UserConfig,
    v1.UserConfig.create({
      extension: EXT,
      revision: 1,
      locations: [{ id: 'office', name: 'Office', ssids: [], bssids: [OFFICE_AP] }],
      scenarios: [
        {
          id: 'meeting',
          name: 'Meeting',
          priority: 1,
          rules: [{ kind: v1.RuleKind.RULE_KIND_EXPLICIT }],
          target: target('room', '299'),
        },
        {
          id: 'desk',
          name: 'Desk',
          priority: 10,
          rules: [{ kind: v1.RuleKind.RULE_KIND_LOCATION, locationId: 'office' }],
          target: target('desk', EXT),
        },
        {
          id: 'hours',
          name: 'Office hours',
          priority: 20,
          rules: [
            {
              kind: v1.RuleKind.RULE_KIND_TIME_WINDOW,
              window: { startMinute: 8 * 60, endMinute: 18 * 60, weekdays: [1, 2, 3, 4, 5] },
            },
          ],
          target: target('reception', '200'),
        },
        { id: 'away', name: 'Away', priority: 100, isDefault: true, target: target('mobile', '0170240') },
      ],
    }),
    'UserConfig',
  );
}

describe('router rewrites AstDB on its own when time changes the decision (injected clock)', () => {
  let h: Harness;
  let now = MONDAY_0759;
  let counter = 0;

  /** Moves the routing clock; the AstDB target must stay `held` for a few sweeps. */
  async function moveClockAndHold(to: number, held: string): Promise<void> {
    now = to;
    await new Promise((r) => setTimeout(r, SWEEP_MS * 6));
    assert.equal(h.lastAstDb(EXT), held, `still ${held} at ${new Date(to).toISOString()}`);
  }

  /** Moves the routing clock past an edge; the new target must be written within WRITE_WITHIN_MS. */
  async function crossEdge(to: number, expected: string, what: string): Promise<void> {
    now = to;
    const started = performance.now();
    await waitFor(() => h.lastAstDb(EXT) === expected, what, 5000);
    const ms = performance.now() - started;
    assert.ok(ms <= WRITE_WITHIN_MS, `${what} written ${Math.round(ms)} ms after the edge`);
  }

  before(async () => {
    h = await new Harness().setup();
    await h.putConfig(EXT, config());
    await h.startRouter(
      {
        PRESENCE_TIMEOUT_S: String(PRESENCE_TIMEOUT_S),
        HYSTERESIS_REPORTS: '1',
        ROUTER_SWEEP_MS: String(SWEEP_MS),
      },
      () => now,
    );
    await waitFor(() => h.lastAstDb(EXT) === '0170240', 'the default (Away) before office hours');
  });
  after(() => h.teardown());

  test('given 07:59:30 on a Monday, when the clock reaches 08:00, then the office-hours target is written without any event', async () => {
    await moveClockAndHold(Date.UTC(2026, 0, 5, 7, 59, 59, 900), '0170240');
    await crossEdge(Date.UTC(2026, 0, 5, 8, 0, 0, 100), '200', 'the office-hours target at 08:00');
    assert.equal(h.lastAstDb(EXT, 'scenario'), 'Office hours');
  });

  test('given the phone at the office, when it goes silent, then the target falls back at the presence timeout, not before', async () => {
    const seen = Date.UTC(2026, 0, 5, 9, 0, 0);
    now = seen;
    await h.presence(EXT, 'D240', ++counter, OFFICE_AP, seen);
    await waitFor(() => h.lastAstDb(EXT) === EXT, 'the desk while at the office');
    await moveClockAndHold(seen + PRESENCE_TIMEOUT_S * 1000 - 200, EXT);
    await crossEdge(seen + PRESENCE_TIMEOUT_S * 1000 + 100, '200', 'office hours again after the timeout');
  });

  test('given an explicit choice for 30 minutes, when it expires, then the previous decision is written again', async () => {
    const chosen = Date.UTC(2026, 0, 5, 10, 0, 0);
    now = chosen;
    const msg = v1.ScenarioChosen.create({
      deviceId: 'D240',
      extension: EXT,
      counter: ++counter,
      sentAtMs: chosen,
      receivedAtMs: chosen,
      scenarioId: 'meeting',
      expiresAtMs: chosen + 30 * MIN,
    });
    await jetstream(h.nc).publish(
      h.names.choice(EXT),
      encodeMessage(v1.ScenarioChosen, msg, 'ScenarioChosen'),
      {
        msgID: `D240:choice:${counter}:${randomBytes(2).toString('hex')}`,
      },
    );
    await waitFor(() => h.lastAstDb(EXT) === '299', 'the chosen meeting room');
    await moveClockAndHold(chosen + 30 * MIN - 200, '299');
    await crossEdge(chosen + 30 * MIN + 100, '200', 'office hours after the choice expired');
  });

  test('given office hours, when the clock reaches 18:00, then the default is written', async () => {
    await moveClockAndHold(Date.UTC(2026, 0, 5, 17, 59, 59, 800), '200');
    await crossEdge(Date.UTC(2026, 0, 5, 18, 0, 0, 100), '0170240', 'the default after office hours');
    assert.equal(h.lastAstDb(EXT, 'scenario'), 'Away');
  });
});

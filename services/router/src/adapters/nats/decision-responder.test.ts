// The decision query through a real router (NATS JetStream, Redis), and the self-service page's
// scenario choice: admin publishes ScenarioChosen with the reserved device id "self-service" (no
// real device can have it: device ids are 4-64 letters or digits) and a counter from the clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { Harness, OFFICE_AP, waitFor } from '../../../test/harness.js';

describe('decision query and a choice from the self-service page, real router', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().setup();
    await h.putConfig('240');
    await h.startRouter({ PRESENCE_TIMEOUT_S: '60', HYSTERESIS_REPORTS: '1' });
  });
  after(() => h.teardown());

  const ask = async (extension: string) => {
    const m = await h.nc.request(
      h.names.decisionQuery,
      encodeMessage(v1.DecisionQuery, { extension }, 'DecisionQuery'),
      { timeout: 2000 },
    );
    return decodeMessage(v1.DecisionAnswer, m.data, 'DecisionAnswer');
  };

  const choose = async (extension: string, scenarioId: string, expiresAtMs: number, clear = false) => {
    const now = Date.now();
    const msg = v1.ScenarioChosen.create({
      deviceId: 'self-service',
      extension,
      counter: now,
      sentAtMs: now,
      receivedAtMs: now,
      scenarioId,
      expiresAtMs,
      clear,
    });
    await jetstream(h.nc).publish(
      h.names.choice(extension),
      encodeMessage(v1.ScenarioChosen, msg, 'ScenarioChosen'),
      { msgID: `self-service:${extension}:${now}` },
    );
  };

  test('given a user router knows nothing of, when asked, then found is false', async () => {
    const answer = await ask('249');
    assert.equal(answer.found, false);
  });

  test('given a phone at the office, when asked, then the answer is the current decision and its reason', async () => {
    await h.presence('240', 'D240', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('240') === '240', 'desk target in AstDB');
    const answer = await ask('240');
    assert.equal(answer.found, true);
    assert.equal(answer.scenarioName, 'Desk');
    assert.equal(answer.targetDial, '240');
    assert.match(answer.reason, /location Office/);
    assert.ok(Number(answer.version) >= 1);
  });

  test('given a choice from the reserved web device id, then it wins until cleared and the phone keeps reporting normally', async () => {
    await choose('240', 'mobile', Date.now() + 2 * 3600_000);
    await waitFor(() => h.lastAstDb('240') === '0170240', 'chosen target in AstDB');
    const chosen = await ask('240');
    assert.equal(chosen.scenarioName, 'Mobile');
    assert.match(chosen.reason, /explicit choice by device self-service until/);
    // the phone's own counter is untouched by the web choice: its next report applies
    await h.presence('240', 'D240', 2, OFFICE_AP);
    await choose('240', '', 0, true);
    await waitFor(() => h.lastAstDb('240') === '240', 'desk target again after the choice is cleared');
    assert.equal((await ask('240')).scenarioName, 'Desk');
  });
});

// Issue 17 (privacy: call history): every call router answers is announced as CallRouted on
// <p>.v1.router.call.<ext> for admin's call history, with where it rang and why, after the answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@sa/platform';
import { decodeMessage, type smartassistant, v1 } from '@sa/proto';
import { CallDesk, type RoutedCall } from '../src/routing/call-desk.js';
import { officeRules, settings, T0 } from '../src/test-support/engine-fixtures.js';
import { Harness, OFFICE_AP, waitFor } from './harness.js';

type Routed = smartassistant.v1.CallRouted;

describe('CallRouted (issue 17)', () => {
  let h: Harness;
  const routed: { subject: string; e: Routed }[] = [];

  before(async () => {
    h = await new Harness().setup();
    h.nc.subscribe(h.names.callRoutedAll, {
      callback: (_e, m) => {
        routed.push({ subject: m.subject, e: decodeMessage(v1.CallRouted, m.data, 'CallRouted') });
      },
    });
    await h.nc.flush();
    await h.putConfig('250');
    await h.startRouter({ HYSTERESIS_REPORTS: '1' });
  });
  after(() => h.teardown());

  test('given a user at the office, when a call arrives, then a CallRouted with the answer, the target and scenario names and the caller follows on the user subject', async () => {
    await h.presence('250', 'D250', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('250') === '250', 'desk target in AstDB');
    const reply = await h.callArrived('250', 'call-250-1');
    const { subject, e } = await waitFor(
      () => routed.find((r) => r.e.callId === 'call-250-1'),
      'CallRouted of call-250-1',
    );
    assert.equal(subject, `${h.prefix}.v1.router.call.250`);
    assert.equal(e.extension, '250');
    assert.equal(e.callerIdNum, '555');
    assert.equal(e.targetDial, '250');
    assert.equal(e.targetName, 'SMART-desk');
    assert.equal(e.scenarioId, 'desk');
    assert.equal(e.scenarioName, 'Desk');
    assert.equal(e.reason, reply.reason);
    assert.match(e.reason, /location Office/);
    assert.equal(Number(e.decidedAtMs), Number(reply.decidedAtMs));
    assert.equal(e.fallback, false);
    assert.equal(e.correctedFrom, '');
  });

  test('given an AstDB-first call that dialled a stale target, when answered, then CallRouted names the target it was moved from', async () => {
    await waitFor(() => h.lastAstDb('250') === '250', 'desk target (previous test)');
    await h.callArrived('250', 'call-250-2', '0170250');
    const { e } = await waitFor(
      () => routed.find((r) => r.e.callId === 'call-250-2'),
      'CallRouted of call-250-2',
    );
    assert.equal(e.targetDial, '250');
    assert.equal(e.correctedFrom, '0170250');
    assert.match(e.reason, /^AstDB still held 0170250: moved to 250/);
  });
});

test('given a call decided, when decide() resolves, then CallRouted is not published yet (the answer goes first) and follows in the next turn', async () => {
  const sent: RoutedCall[] = [];
  const desk = new CallDesk({
    store: { loadOne: async () => null, recordCall: async () => {} },
    rules: { get: () => officeRules(), extensions: () => ['230'] },
    settings,
    clock: () => T0,
    logger: createLogger('t', 'silent'),
    routed: { callRouted: (c) => void sent.push(c) },
  });
  const answer = await desk.decide('c-unit', '230', '0301234');
  assert.equal(sent.length, 0, 'published before the caller could send the answer');
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.callId, 'c-unit');
  assert.equal(sent[0]?.callerIdNum, '0301234');
  assert.equal(sent[0]?.targetDial, answer.targetDial);
  assert.equal(sent[0]?.decidedAtMs, T0);
});

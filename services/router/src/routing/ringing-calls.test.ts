import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingingCalls } from './ringing-calls.js';

function rig(maxCalls = 10, ttlMs = 60_000) {
  let now = 1_000;
  const calls = new RingingCalls({ maxCalls, ttlMs, clock: () => now });
  return { calls, advance: (ms: number) => (now += ms) };
}

test('given a routed call still ringing, when the target changes, then one redirect from the old to the new target is returned and a repeat returns none', () => {
  const { calls } = rig();
  calls.routed('c1', '230', 'PJSIP/trunk-1', '230');
  const moves = calls.retarget('230', '0171555');
  assert.deepEqual(
    moves.map((m) => [m.call.callId, m.call.channel, m.from, m.to]),
    [['c1', 'PJSIP/trunk-1', '230', '0171555']],
  );
  assert.deepEqual(calls.retarget('230', '0171555'), []);
});

test('given a call that was answered or hung up, when the target changes, then nothing is redirected', () => {
  const { calls } = rig();
  calls.routed('c1', '230', 'PJSIP/a', '230');
  calls.routed('c2', '230', 'PJSIP/b', '230');
  calls.ended('c1');
  calls.ended('c2');
  assert.deepEqual(calls.retarget('230', '299'), []);
  assert.equal(calls.size, 0);
});

test('given calls of other users, a target equal to the destination or no target, when retargeted, then those calls stay', () => {
  const { calls } = rig();
  calls.routed('c1', '230', 'PJSIP/a', '299');
  calls.routed('c2', '231', 'PJSIP/b', '231');
  assert.deepEqual(calls.retarget('230', '299'), []);
  assert.deepEqual(calls.retarget('230', ''), []);
  assert.deepEqual(
    calls.retarget('231', '299').map((m) => m.call.callId),
    ['c2'],
  );
});

test('given a REDIRECTED lifecycle for a known call, when routed again, then its destination is updated without a second entry', () => {
  const { calls } = rig();
  calls.routed('c1', '230', 'PJSIP/a', '230');
  calls.routed('c1', '230', '', '299');
  assert.equal(calls.size, 1);
  assert.deepEqual(calls.retarget('230', '299'), []);
});

test('given calls older than the TTL or beyond the bound, then they are forgotten oldest first', () => {
  const { calls, advance } = rig(2, 1000);
  calls.routed('c1', '230', 'PJSIP/a', '230');
  advance(600);
  calls.routed('c2', '230', 'PJSIP/b', '230');
  calls.routed('c3', '230', 'PJSIP/c', '230'); // bound 2: c1 goes
  assert.deepEqual(
    calls.retarget('230', '299').map((m) => m.call.callId),
    ['c2', 'c3'],
  );
  advance(1001);
  assert.deepEqual(calls.retarget('230', '298'), []);
  assert.equal(calls.size, 0);
});

test('given a call without a channel, when first seen, then it is not tracked (nothing to redirect)', () => {
  const { calls } = rig();
  calls.routed('c1', '230', '', '230');
  assert.equal(calls.size, 0);
});

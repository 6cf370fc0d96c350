import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RECONNECT_POLICY, reconnectDelayMs } from './reconnect-policy.js';

test('given growing attempts, when delays are computed, then they double up to the cap and stay within the jitter band', () => {
  const p = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10, 1000].map((a) => reconnectDelayMs(p, a, () => 0.999999)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((a) => reconnectDelayMs(p, a, () => 0)),
    [50, 100, 200, 400, 500],
  );
});

test('given the default policy, when the attempt count is huge, then the delay never exceeds the cap', () => {
  for (let a = 0; a < 100; a++) {
    assert.ok(
      reconnectDelayMs(DEFAULT_RECONNECT_POLICY, a, Math.random) <= DEFAULT_RECONNECT_POLICY.maxDelayMs,
    );
  }
});

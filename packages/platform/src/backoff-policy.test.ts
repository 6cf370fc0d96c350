import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff, type BackoffPolicy, backoffCeilingMs, backoffDelayMs } from './backoff-policy.js';

const TOP = () => 0.999999;
const BOTTOM = () => 0;

test('given growing attempts, when ceilings are computed, then they double from the initial delay up to the cap', () => {
  const p: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10, 1000].map((a) => backoffCeilingMs(p, a)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
});

test('given a huge attempt count, when the ceiling is computed, then it is the cap, never Infinity or NaN', () => {
  const p: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 300_000 };
  assert.equal(backoffCeilingMs(p, Number.MAX_SAFE_INTEGER), 300_000);
  assert.equal(backoffDelayMs(p, 1e9, TOP), 299_999);
});

test('given full jitter (the default), when delays are drawn, then they span [0, ceiling) and never fall below 1 ms', () => {
  const p: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 20_000 };
  assert.deepEqual(
    [0, 1, 2, 3].map((a) => backoffDelayMs(p, a, TOP)),
    [4_999, 9_999, 19_999, 19_999],
  );
  assert.deepEqual(
    [0, 1, 2].map((a) => backoffDelayMs(p, a, () => 0.5)),
    [2_500, 5_000, 10_000],
  );
  assert.equal(backoffDelayMs(p, 0, BOTTOM), 1, 'a zero draw still waits 1 ms');
});

test('given equal jitter, when delays are drawn, then they stay within [ceiling / 2, ceiling)', () => {
  const p: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((a) => backoffDelayMs(p, a, BOTTOM)),
    [50, 100, 200, 400, 500],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((a) => backoffDelayMs(p, a, TOP)),
    [99, 199, 399, 799, 999],
  );
});

test('given no jitter, when delays are drawn, then each is its ceiling whatever the draw', () => {
  const p: BackoffPolicy = { initialDelayMs: 200, maxDelayMs: 5000, jitter: 0 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(p, a, TOP)),
    [200, 400, 800, 1600, 3200, 5000, 5000],
  );
});

test('given a jitter outside 0..1, when delays are drawn, then it is clamped: never negative, never above the ceiling', () => {
  assert.equal(backoffDelayMs({ initialDelayMs: 100, maxDelayMs: 100, jitter: 3 }, 0, BOTTOM), 1);
  assert.equal(backoffDelayMs({ initialDelayMs: 100, maxDelayMs: 100, jitter: -1 }, 0, BOTTOM), 100);
});

test('given Math.random, when many delays are drawn for any attempt, then none leaves [1, cap]', () => {
  const p: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 10_000, jitter: 0.5 };
  for (let a = 0; a < 100; a++) {
    const d = backoffDelayMs(p, a);
    assert.ok(d >= 1 && d <= p.maxDelayMs, `attempt ${a}: ${d}`);
  }
});

test('given a Backoff, when failures follow each other, then delays grow; after reset() they start again', () => {
  const b = new Backoff({ initialDelayMs: 100, maxDelayMs: 400, jitter: 0 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 400]);
  assert.equal(b.failures, 4);
  b.reset();
  assert.equal(b.failures, 0);
  assert.equal(b.next(), 100);
});

test('given a Backoff with an injected random, when it draws, then the draw decides the jitter', () => {
  const b = new Backoff({ initialDelayMs: 1000, maxDelayMs: 1000 }, () => 0.25);
  assert.equal(b.next(), 250);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouterEvent } from '../domain/types.js';
import { needsEveryDevice } from './liveness-merge.js';

const presence = (atMs: number): RouterEvent => ({
  kind: 'presence',
  deviceId: 'd',
  counter: 1,
  atMs,
  connected: null,
  visible: [],
});
const now = 1_000_000;

test('given reports router got in time, then only quiet devices are looked up (the hot path adds nothing)', () => {
  assert.equal(needsEveryDevice([presence(now - 20)], now), false);
});

test('given a report router got late (it is behind), or an evaluation without reports (timeouts are decided), then every device is looked up', () => {
  assert.equal(needsEveryDevice([presence(now - 20), presence(now - 5000)], now), true);
  assert.equal(needsEveryDevice([], now), true);
  assert.equal(needsEveryDevice(undefined, now), true);
  assert.equal(needsEveryDevice([{ kind: 'rules_changed' }], now), true);
});

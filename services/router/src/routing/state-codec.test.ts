import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confNet, officeNet, officeStep, presence, T0 } from '../test-support/engine-fixtures.js';
import { decodeState, encodeState } from './state-codec.js';

const twoDevices = officeStep(
  [presence(T0, officeNet, [confNet], 'D2'), presence(T0 + 500, confNet, [], 'D1')],
  T0 + 500,
).state;

test('given a user with two devices, a decision and a choice, when encoded and decoded, then the state is unchanged', () => {
  const state = {
    ...twoDevices,
    choice: { scenarioId: 'mobile', expiresAtMs: T0 + 3_600_000, deviceId: 'D1', atMs: T0 },
  };
  const decoded = decodeState(encodeState(7, 3, state));
  assert.deepEqual(decoded, { rev: 7, epoch: 3, state });
  assert.deepEqual(
    decoded.state.devices.map((d) => d.id),
    ['D2', 'D1'],
  );
});

test('given a state written with devices keyed by id (the earlier format), when decoded, then every device is read with its id', () => {
  const current = encodeState(4, 1, twoDevices);
  const json = JSON.parse(current.slice('4:1:'.length)) as [[string, ...unknown[]][], unknown, unknown];
  const keyed = Object.fromEntries(json[0].map(([id, ...fields]) => [id, fields]));
  const earlier = `4:1:${JSON.stringify([keyed, json[1], json[2]])}`;
  assert.notEqual(earlier, current);
  assert.deepEqual(decodeState(earlier), decodeState(current));
});

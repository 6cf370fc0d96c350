import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallRecord } from '../../routing/ports.js';
import { decodeCall, encodeCall } from './call-codec.js';

const record: CallRecord = {
  callId: '1732700000.42',
  extension: '230',
  callerIdNum: '+4930123456',
  targetDial: '0171555',
  scenarioId: 'mobile',
  reason: 'connected to BSSID aa:bb:cc:00:00:01 = location Office, rule 1',
  decidedAtMs: 1_732_700_000_123,
  fallback: false,
  version: 7,
};

test('given a call record, when encoded and decoded, then every field survives and the entry is smaller than JSON', () => {
  const raw = encodeCall(record);
  assert.deepEqual(decodeCall('230', raw), record);
  assert.ok(raw.length < JSON.stringify(record).length * 0.75, raw);
});

test('given a redirected fallback record, when encoded and decoded, then redirectedFrom and fallback survive', () => {
  const redirected = { ...record, targetDial: '', fallback: true, redirectedFrom: '230' };
  assert.deepEqual(decodeCall('230', encodeCall(redirected)), redirected);
});

test('given an entry written as a JSON object by an older router, when decoded, then it is read as is', () => {
  assert.deepEqual(decodeCall('230', JSON.stringify(record)), record);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePending, encodePending, presenceFingerprint } from './quiet-presence.js';

const settings = { visibleRssiMinDbm: -75, maxVisible: 3 };

test('given a stored report, when its pending value is read back, then counter, sequence, settings and fingerprint survive', () => {
  const fingerprint = presenceFingerprint({ ssid: 'Office|A', bssid: 'AA:BB' }, [], settings);
  const raw = encodePending(41, 1_234_567, settings, fingerprint);
  assert.deepEqual(decodePending(raw), { counter: 41, seq: 1_234_567, settings, fingerprint });
});

test('given values that are not a pending report, then they are refused', () => {
  for (const raw of ['', '~41', '41@|-75|3|x', '@5|-75|3|x', '41@0|-75|3|x', '41@5', '41@5|x|3|y'])
    assert.equal(decodePending(raw), null, raw);
});

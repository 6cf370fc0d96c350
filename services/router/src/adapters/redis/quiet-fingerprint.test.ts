// Router fingerprints a quiet device from the networks it stored (already filtered and capped by
// strongVisible); ingest fingerprints the raw report. Both must agree on every report, or unchanged
// reports would be published (harmless) or changed ones suppressed (not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { presenceFingerprint } from '@sa/platform';
import { strongVisible } from '../../domain/location-matcher.js';
import type { Net } from '../../domain/types.js';

const settings = { visibleRssiMinDbm: -75, maxVisible: 3 };

function randomNet(seed: () => number): Net {
  const hex = () =>
    Math.floor(seed() * 4)
      .toString(16)
      .padStart(2, '0');
  return {
    ssid: ['Corp', 'Guest', ''][Math.floor(seed() * 3)]!,
    bssid: `aa:bb:cc:00:${hex()}:${hex()}`,
    rssiDbm: -40 - Math.floor(seed() * 50),
  };
}

test('given random reports, when fingerprinted raw (ingest) and as router stores them, then the fingerprints agree', () => {
  let x = 42;
  const seed = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  for (let i = 0; i < 2000; i++) {
    const visible = Array.from({ length: Math.floor(seed() * 6) }, () => randomNet(seed));
    const connected = seed() < 0.8 ? randomNet(seed) : null;
    const stored = strongVisible(visible, settings.visibleRssiMinDbm, settings.maxVisible);
    assert.equal(
      presenceFingerprint(connected, visible, settings),
      presenceFingerprint(connected, stored, settings),
      JSON.stringify({ connected, visible }),
    );
  }
});

test('given the same networks with other signals above the threshold or an upper-case BSSID, then the fingerprint is the same; a network crossing the threshold changes it', () => {
  const a = { ssid: 'Corp', bssid: 'aa:bb:cc:00:00:01', rssiDbm: -50 };
  const b = { ssid: 'Corp', bssid: 'aa:bb:cc:00:00:02', rssiDbm: -70 };
  const base = presenceFingerprint(a, [a, b], settings);
  assert.equal(
    presenceFingerprint(
      { ...a, bssid: a.bssid.toUpperCase(), rssiDbm: -45 },
      [a, { ...b, rssiDbm: -72 }],
      settings,
    ),
    base,
  );
  assert.notEqual(presenceFingerprint(a, [a, { ...b, rssiDbm: -80 }], settings), base);
});

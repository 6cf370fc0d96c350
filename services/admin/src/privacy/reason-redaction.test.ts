import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutUnknownNetworks } from './reason-redaction.js';

test('given a reason naming an unknown network, when redacted, then its name and address are gone and the rest stays', () => {
  assert.equal(
    withoutUnknownNetworks(
      'device D240 connected to unknown network "Home "5G"" (de:ad:be:ef:00:01); no rule matched; default scenario "Mobile"',
    ),
    'device D240 connected to an unknown network; no rule matched; default scenario "Mobile"',
  );
  assert.equal(
    withoutUnknownNetworks('connected to unknown network "Cafe" ()'),
    'connected to an unknown network',
  );
});

test('given a reason naming a location network, when redacted, then it is unchanged', () => {
  const reason = 'device D230 connected to BSSID aa:bb:cc:00:00:02 = location Conference';
  assert.equal(withoutUnknownNetworks(reason), reason);
});

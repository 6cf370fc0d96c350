import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveTier, permissionsFor } from './permissions.js';

test('given each tier, when permissions are derived, then they follow the original add-on', () => {
  assert.deepEqual(permissionsFor('free', true), {
    genericDestinations: true,
    specificDestinations: false,
    createTargets: false,
  });
  assert.equal(permissionsFor('standard', true).specificDestinations, true);
  assert.equal(permissionsFor('standard', true).createTargets, false);
  assert.equal(permissionsFor('premium', false).createTargets, false);
  assert.equal(permissionsFor('premium', true).createTargets, true);
});

test('given an expired or missing licence, when the tier is computed, then it is free', () => {
  assert.equal(effectiveTier(null, 10), 'free');
  assert.equal(effectiveTier({ tier: 'premium', expiresAtMs: 5 }, 10), 'free');
  assert.equal(effectiveTier({ tier: 'premium', expiresAtMs: 50 }, 10), 'premium');
});

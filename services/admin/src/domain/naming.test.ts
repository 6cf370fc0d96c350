import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNameProblem, parseDestinationName } from './naming.js';

test('given SMART-Desk, when parsed, then it is a generic destination', () => {
  assert.deepEqual(parseDestinationName('SMART-Desk'), {
    scope: 'generic',
    extension: null,
    shortName: 'Desk',
  });
});

test('given 230-Mobile, when parsed, then it is specific to extension 230', () => {
  assert.deepEqual(parseDestinationName('230-Mobile'), {
    scope: 'specific',
    extension: '230',
    shortName: 'Mobile',
  });
});

test('given names breaking the rule, when parsed, then each is a problem naming the rule', () => {
  for (const bad of [
    'Desk',
    'smart-Desk',
    'SMART-',
    '230-',
    'X230-Desk',
    "SMART-a'; DROP TABLE x;--",
    '2-Desk',
  ]) {
    const parsed = parseDestinationName(bad);
    assert.ok(isNameProblem(parsed), bad);
  }
});

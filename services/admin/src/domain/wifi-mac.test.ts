import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WIFI_MACS, normaliseMac, normaliseMacList, splitMacCell } from './wifi-mac.js';

test('given a MAC in each accepted spelling, when normalised, then it is lower-case with colons', () => {
  for (const input of [
    'AA-BB-CC-DD-EE-FE',
    'aa:bb:cc:dd:ee:fe',
    'AABBCCDDEEFE',
    'aabb.ccdd.eefe',
    ' Aa:bB:cc:DD:ee:FE ',
  ]) {
    assert.deepEqual(normaliseMac(input), { mac: 'aa:bb:cc:dd:ee:fe' }, input);
  }
});

test('given a malformed, mixed-separator, multicast, broadcast or zero MAC, when normalised, then the problem says which', () => {
  const cases: [string, RegExp][] = [
    ['aa:bb:cc:dd:ee', /not a MAC address/],
    ['aa:bb-cc:dd:ee:ff', /not a MAC address/],
    ['aabbccddeeff00', /not a MAC address/],
    ['aabb.ccdd.eeff.0011', /not a MAC address/],
    ['', /not a MAC address/],
    ['ff-ff-ff-ff-ff-ff', /broadcast/],
    ['01:00:5e:00:00:01', /multicast/],
    ['33:33:00:00:00:01', /multicast/],
    ['00:00:00:00:00:00', /all zeros/],
  ];
  for (const [input, why] of cases) {
    const r = normaliseMac(input);
    assert.ok('problem' in r, input);
    assert.match(r.problem, why, input);
  }
});

test('given a list, when normalised, then duplicates in any spelling collapse, the order is sorted and the first bad one is named by index', () => {
  assert.deepEqual(normaliseMacList(['02:00:00:00:00:02', '02-00-00-00-00-01', '020000000002']), {
    macs: ['02:00:00:00:00:01', '02:00:00:00:00:02'],
  });
  const bad = normaliseMacList(['02:00:00:00:00:01', 'nope']);
  assert.ok('problem' in bad);
  assert.equal(bad.index, 1);
  const many = Array.from(
    { length: MAX_WIFI_MACS + 1 },
    (_, i) => `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`,
  );
  assert.ok('problem' in normaliseMacList(many));
  assert.deepEqual(splitMacCell(' a ;b  c;;d,e '), ['a', 'b', 'c', 'd', 'e']);
});

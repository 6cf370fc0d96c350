import assert from 'node:assert/strict';
import { test } from 'node:test';
import { officeRules, rule, scenario } from '../test-support/engine-fixtures.js';
import { RulesInterner } from './rules-interner.js';
import type { UserRules } from './types.js';

/** A fresh deep copy, as decoding a second user's UserConfig would produce. */
const copy = (r: UserRules, extension: string): UserRules => ({ ...structuredClone(r), extension });

test('given two users with the same locations and generic scenarios, when interned, then they share the same objects and keep their own parts', () => {
  const interner = new RulesInterner();
  const a = interner.intern(copy(officeRules(), '230'));
  const b = interner.intern(copy(officeRules(), '231'));

  assert.notEqual(a, b);
  assert.equal(a.locations, b.locations);
  assert.equal(a.locations[0], b.locations[0]);
  assert.equal(a.locations[0]?.bssids, b.locations[0]?.bssids);
  const conf = (r: UserRules) => r.scenarios.find((s) => s.id === 'conference');
  assert.equal(conf(a), conf(b));
  assert.equal(conf(a)?.target, conf(b)?.target);
  assert.deepEqual(a, copy(officeRules(), '230'));
  assert.equal(b.extension, '231');
});

test('given two users sharing a location, when one user changes that location, then the other user keeps the old one', () => {
  const interner = new RulesInterner();
  const a = interner.intern(copy(officeRules(), '230'));
  const b = interner.intern(copy(officeRules(), '231'));
  const changed = copy(officeRules(), '230');
  const office = changed.locations[0]!;
  const a2 = interner.intern({
    ...changed,
    locations: [{ ...office, bssids: ['aa:bb:cc:00:00:99'] }, ...changed.locations.slice(1)],
  });

  assert.deepEqual(a2.locations[0]?.bssids, ['aa:bb:cc:00:00:99']);
  assert.deepEqual(b.locations[0]?.bssids, ['aa:bb:cc:00:00:01']);
  assert.deepEqual(a.locations[0]?.bssids, ['aa:bb:cc:00:00:01']);
  assert.equal(a2.locations[1], b.locations[1]); // the unchanged location is still shared
  const shared = b.locations[0]!;
  assert.ok(Object.isFrozen(shared) && Object.isFrozen(shared.bssids));
  assert.throws(() => {
    (shared.bssids as string[]).push('x');
  });
});

test('given scenarios that differ only in a time window or target, when interned, then they are not shared', () => {
  const interner = new RulesInterner();
  const w = (start: number) => ({
    startMinute: start,
    endMinute: 1080,
    weekdays: [1, 2, 3],
    timeZone: 'Europe/Berlin',
  });
  const a = interner.intern(officeRules([scenario('day', 1, [rule('office', w(480))], '500')]));
  const b = interner.intern(officeRules([scenario('day', 1, [rule('office', w(540))], '500')]));
  const c = interner.intern(officeRules([scenario('day', 1, [rule('office', w(480))], '501')]));
  const day = (r: UserRules) => r.scenarios.find((s) => s.id === 'day')!;

  assert.notEqual(day(a), day(b));
  assert.equal(day(b).rules[0]?.window?.startMinute, 540);
  assert.equal(day(a).rules[0]?.window?.weekdays, day(b).rules[0]?.window?.weekdays);
  assert.notEqual(day(a), day(c));
  assert.equal(day(a).rules, day(c).rules);
  assert.equal(day(c).target?.dial, '501');
});

test('given an interner that was cleared, when the live rules are interned again, then they are equal and shared again', () => {
  const interner = new RulesInterner();
  const a = interner.intern(copy(officeRules(), '230'));
  const b = interner.intern(copy(officeRules(), '231'));
  const before = interner.size;
  interner.clear();
  assert.equal(interner.size, 0);
  const a2 = interner.intern(a);
  const b2 = interner.intern(b);

  assert.deepEqual(a2, a);
  assert.deepEqual(b2, b);
  assert.equal(a2.locations, b2.locations);
  assert.equal(interner.size, before);
});

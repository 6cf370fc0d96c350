import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { permissionsFor } from '../domain/permissions.js';
import {
  checkDefaultMove,
  checkScenario,
  checkTarget,
  checkUnlocked,
  MAX_PLACE_NETWORKS,
  mergeNetworks,
  type OwnScenario,
  placeNetworks,
  reorder,
} from './own-data-rules.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

const shared = { id: 'g', scope: 'generic' as const, extension: null };
const mine = { id: 'm', scope: 'specific' as const, extension: '240' };
const theirs = { id: 't', scope: 'specific' as const, extension: '241' };

describe('own data: tier rules for targets', () => {
  test('given each tier, then shared targets are always usable and own ones from Standard on', () => {
    for (const tier of ['free', 'standard', 'premium'] as const) {
      const p = permissionsFor(tier, false);
      assert.equal(
        code(() => checkTarget(shared, '240', p)),
        'no error',
        tier,
      );
      assert.equal(
        code(() => checkTarget(mine, '240', p)),
        tier === 'free' ? 'ADMIN_TIER_FORBIDS' : 'no error',
      );
    }
  });

  test("given another user's destination or none, then it is no target of this user, whatever the tier", () => {
    const premium = permissionsFor('premium', true);
    assert.equal(
      code(() => checkTarget(theirs, '240', premium)),
      'ADMIN_SCENARIO_INVALID',
    );
    assert.equal(
      code(() => checkTarget(undefined, '240', premium)),
      'ADMIN_SCENARIO_INVALID',
    );
  });
});

describe('own data: scenario shape', () => {
  const places = new Set(['home', 'office']);
  const base = { name: 'At home', targetId: 'g', rules: [] };

  test('given a place of the user or a shared one, then the rule is accepted; an unknown place id is refused naming the rule', () => {
    assert.equal(
      code(() => checkScenario({ ...base, rules: [{ kind: 'location', locationId: 'home' }] }, places)),
      'no error',
    );
    try {
      checkScenario(
        { ...base, rules: [{ kind: 'explicit' }, { kind: 'location', locationId: 'gym' }] },
        places,
      );
      assert.fail('refused');
    } catch (err) {
      assert.match((err as Error).message, /^rules\/1\/locationId: not one of your places/);
    }
  });

  test('given bad names, windows or too many rules, then each is refused with the field named', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...base, name: '' }, /^name:/],
      [{ ...base, name: ' leading space' }, /^name:/],
      [{ ...base, rules: Array.from({ length: 21 }, () => ({ kind: 'explicit' })) }, /^rules: at most 20/],
      [{ ...base, rules: [{ kind: 'time_window' }] }, /^rules\/0\/window: required/],
      [
        { ...base, rules: [{ kind: 'time_window', window: { start: '24:00', end: '08:00' } }] },
        /^rules\/0\/window: start and end/,
      ],
      [
        {
          ...base,
          rules: [{ kind: 'time_window', window: { start: '08:00', end: '18:00', weekdays: [7] } }],
        },
        /weekdays/,
      ],
      [
        {
          ...base,
          rules: [
            {
              kind: 'time_window',
              window: { start: '08:00', end: '18:00', timeZone: 'Europe/Berlin; drop' },
            },
          ],
        },
        /timeZone/,
      ],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => checkScenario(input as Parameters<typeof checkScenario>[0], places), { message });
    }
  });
});

describe('own data: locks and the default', () => {
  const s = (id: string, extra: Partial<OwnScenario> = {}): OwnScenario => ({
    id,
    name: id,
    position: 0,
    targetId: 'g',
    targetName: 'SMART-Desk',
    dial: '200',
    rules: [],
    isDefault: false,
    locked: false,
    own: true,
    ...extra,
  });

  test('given a locked scenario, then the user may not change it; a missing one is not found', () => {
    assert.equal(
      code(() => checkUnlocked(s('a', { locked: true }), 'a')),
      'ADMIN_SCENARIO_LOCKED',
    );
    assert.equal(
      code(() => checkUnlocked(undefined, 'x')),
      'ADMIN_SCENARIO_NOT_FOUND',
    );
    assert.equal(checkUnlocked(s('a'), 'a').id, 'a');
  });

  test('given a locked default, then another scenario cannot take the default; an unlocked one can', () => {
    const input = { id: 'b', name: 'b', targetId: 'g', rules: [], isDefault: true };
    assert.equal(
      code(() => checkDefaultMove([s('a', { isDefault: true, locked: true }), s('b')], input)),
      'ADMIN_SCENARIO_LOCKED',
    );
    assert.equal(
      code(() => checkDefaultMove([s('a', { isDefault: true }), s('b')], input)),
      'no error',
    );
  });
});

describe('own data: order and places', () => {
  test('given a position, then the scenario moves there and the others keep their order; out of range is clamped', () => {
    assert.deepEqual(reorder(['a', 'b', 'c'], 'c', 0), ['c', 'a', 'b']);
    assert.deepEqual(reorder(['a', 'b', 'c'], 'a', 99), ['b', 'c', 'a']);
    assert.deepEqual(reorder(['a', 'b', 'c'], 'b', undefined), ['a', 'b', 'c']);
    assert.deepEqual(reorder(['a', 'b', 'new'], 'new', undefined), ['a', 'b', 'new']);
  });

  test('given a connected network, then the place keeps what the match asks, BSSIDs lower-cased', () => {
    const network = { ssid: 'Home', bssid: 'AA:BB:CC:DD:EE:FF' };
    assert.deepEqual(placeNetworks({ ...network, match: 'ssid_and_bssid' }), {
      ssids: ['Home'],
      bssids: ['aa:bb:cc:dd:ee:ff'],
    });
    assert.deepEqual(placeNetworks({ ...network, match: 'ssid' }), { ssids: ['Home'], bssids: [] });
    assert.deepEqual(placeNetworks({ ssid: '', bssid: 'aa:bb:cc:dd:ee:ff', match: 'bssid' }), {
      ssids: [],
      bssids: ['aa:bb:cc:dd:ee:ff'],
    });
    assert.throws(() => placeNetworks({ ssid: '', bssid: network.bssid, match: 'ssid' }), {
      message: /^network\/ssid:/,
    });
    assert.throws(() => placeNetworks({ ssid: 'Home', bssid: 'nope', match: 'bssid' }), {
      message: /^network\/bssid:/,
    });
  });

  test('given networks added to a place, then repeats are dropped and the cap holds', () => {
    assert.deepEqual(mergeNetworks({ ssids: ['A'], bssids: ['x'] }, { ssids: ['A', 'B'], bssids: ['x'] }), {
      ssids: ['A', 'B'],
      bssids: ['x'],
    });
    const full = { ssids: [], bssids: Array.from({ length: MAX_PLACE_NETWORKS }, (_, i) => `b${i}`) };
    assert.throws(() => mergeNetworks(full, { ssids: [], bssids: ['new'] }), {
      message: /at most 32 networks/,
    });
  });
});

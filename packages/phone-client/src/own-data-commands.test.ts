import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v1 } from '@sa/proto';
import { parseWindow, rememberPlaceBody, saveScenarioBody } from './own-data-commands.js';

describe('sa-phone own-data commands: request bodies', () => {
  test('given a window spec, then minutes, days and zone are parsed; a bad one is refused', () => {
    assert.deepEqual(parseWindow('08:00-18:30@1,2,3,4,5/Europe/Berlin'), {
      startMinute: 480,
      endMinute: 1110,
      weekdays: [1, 2, 3, 4, 5],
      timeZone: 'Europe/Berlin',
    });
    assert.deepEqual(parseWindow('22:00-06:00'), {
      startMinute: 1320,
      endMinute: 360,
      weekdays: [],
      timeZone: '',
    });
    assert.throws(() => parseWindow('8-18'), /"8" is not HH:MM/);
    assert.throws(() => parseWindow('08:00'), /HH:MM-HH:MM/);
    assert.throws(() => parseWindow('24:00-06:00'), /not HH:MM/);
  });

  test('given places and a window, then one location rule per place limited to the window; without places, time-window rules', () => {
    const w = parseWindow('08:00-18:00');
    const atPlaces = saveScenarioBody({
      name: 'Home',
      target: 't',
      place: ['p1', 'p2'],
      window: [w],
      explicit: true,
    });
    assert.deepEqual(
      atPlaces.saveScenario?.rules?.map((r) => [r.kind, r.locationId ?? '', r.window?.startMinute ?? -1]),
      [
        [v1.RuleKind.RULE_KIND_LOCATION, 'p1', 480],
        [v1.RuleKind.RULE_KIND_LOCATION, 'p2', 480],
        [v1.RuleKind.RULE_KIND_EXPLICIT, '', -1],
      ],
    );
    const byTime = saveScenarioBody({
      id: 's1',
      name: 'Nights',
      target: 't',
      place: [],
      window: [w],
      default: true,
      position: 0,
    });
    assert.deepEqual(
      [
        byTime.saveScenario?.id,
        byTime.saveScenario?.rules?.[0]?.kind,
        byTime.saveScenario?.isDefault,
        byTime.saveScenario?.position,
      ],
      ['s1', v1.RuleKind.RULE_KIND_TIME_WINDOW, true, 0],
    );
  });

  test('given the connected network, then remember-place sends it lower-cased with the match asked; an unknown match is refused', () => {
    const body = rememberPlaceBody({ name: 'Home', connected: 'My Wi-Fi/AA:BB:CC:DD:EE:FF', match: 'bssid' });
    assert.deepEqual(body.savePlace, {
      name: 'Home',
      network: { ssid: 'My Wi-Fi', bssid: 'aa:bb:cc:dd:ee:ff', rssiDbm: 0 },
      match: v1.PlaceMatch.PLACE_MATCH_BSSID,
    });
    assert.throws(() => rememberPlaceBody({ connected: 'x', match: 'all' }), /both, bssid or ssid/);
  });
});

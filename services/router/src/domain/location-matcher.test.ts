import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONF_AP, net, OFFICE_AP, officeRules } from '../test-support/engine-fixtures.js';
import { observeLocation, placeReport, strongVisible } from './location-matcher.js';
import { Evidence, type Net } from './types.js';

const { locations } = officeRules();
const THRESHOLD = -75;

describe('location matcher', () => {
  const cases: {
    name: string;
    connected: Net | null;
    visible: Net[];
    location: string;
    evidence: Evidence;
    detail: string;
  }[] = [
    {
      name: 'connected BSSID (case-insensitive) wins over its SSID',
      connected: net('Corp', CONF_AP.toUpperCase()),
      visible: [],
      location: 'conf',
      evidence: Evidence.connectedBssid,
      detail: `connected to BSSID ${CONF_AP.toUpperCase()} = location Conference`,
    },
    {
      name: 'connected SSID when the BSSID is unknown',
      connected: net('HomeNet', '00:00:00:00:00:09'),
      visible: [],
      location: 'home',
      evidence: Evidence.connectedSsid,
      detail: 'connected to SSID "HomeNet" = location Home',
    },
    {
      name: 'strongest visible BSSID before any visible SSID',
      connected: null,
      visible: [net('HomeNet', 'x', -40), net('Corp', OFFICE_AP, -60), net('Other', CONF_AP, -55)],
      location: 'conf',
      evidence: Evidence.visibleBssid,
      detail: `sees BSSID ${CONF_AP} at -55 dBm = location Conference`,
    },
    {
      name: 'visible SSID when no visible BSSID is known',
      connected: null,
      visible: [net('HomeNet', 'x', -60)],
      location: 'home',
      evidence: Evidence.visibleSsid,
      detail: 'sees SSID "HomeNet" at -60 dBm = location Home',
    },
    {
      name: 'visible networks below the threshold are ignored',
      connected: null,
      visible: [net('Corp', OFFICE_AP, -80)],
      location: '',
      evidence: Evidence.none,
      detail: 'no known network',
    },
    {
      name: 'an unknown connected network is named',
      connected: net('Cafe', '00:11:22:33:44:55'),
      visible: [],
      location: '',
      evidence: Evidence.none,
      detail: 'connected to unknown network "Cafe" (00:11:22:33:44:55)',
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const worded = observeLocation(c.connected, c.visible, locations, THRESHOLD);
      assert.deepEqual(worded, { locationId: c.location, evidence: c.evidence, detail: c.detail });
      // the unworded placement agrees on where and how, and is shared rather than rebuilt
      const placed = placeReport(c.connected, c.visible, locations, THRESHOLD);
      assert.equal(placed.locationId, c.location);
      assert.equal(placed.evidence, c.evidence);
      if (c.location !== '') assert.equal(placed.detail, '');
      assert.equal(placeReport(c.connected, c.visible, locations, THRESHOLD), placed);
    });
  }

  test('strongVisible filters, orders (ties by BSSID) and caps; a single network is passed through', () => {
    const one = [net('A', 'a', -50)];
    assert.equal(strongVisible(one, THRESHOLD, 5), one);
    assert.deepEqual(strongVisible([net('A', 'a', -80)], THRESHOLD, 5), []);
    assert.deepEqual(strongVisible(one, THRESHOLD, 0), []);
    const many = [net('A', 'b', -60), net('B', 'a', -60), net('C', 'c', -40), net('D', 'd', -90)];
    assert.deepEqual(
      strongVisible(many, THRESHOLD, 2).map((n) => n.bssid),
      ['c', 'a'],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeMac, parseCalledStationId } from './mac-address.js';

describe('normalizeMac', () => {
  it('given every vendor spelling, when normalised, then lower-case colon form', () => {
    for (const raw of [
      'AA-BB-CC-DD-EE-0F',
      'aa:bb:cc:dd:ee:0f',
      'aabbccddee0f',
      'AABB.CCDD.EE0F',
      ' Aa-bB-cc-dd-ee-0F ',
    ])
      assert.equal(normalizeMac(raw), 'aa:bb:cc:dd:ee:0f', raw);
  });
  it('given mixed separators, wrong lengths or non-hex, then null', () => {
    for (const raw of [
      'aa-bb:cc-dd-ee-ff',
      'aabbccddeef',
      'aabbccddeeffa',
      'gg:bb:cc:dd:ee:ff',
      '',
      'aabb.ccdd:eeff',
    ])
      assert.equal(normalizeMac(raw), null, raw);
  });
});

describe('parseCalledStationId', () => {
  it('given MAC:SSID (RFC 3580), then the BSSID and the SSID, colons in the SSID kept', () => {
    assert.deepEqual(parseCalledStationId('11-22-33-44-55-66:Office'), {
      bssid: '11:22:33:44:55:66',
      ssid: 'Office',
    });
    assert.deepEqual(parseCalledStationId('112233445566:a:b'), { bssid: '11:22:33:44:55:66', ssid: 'a:b' });
    assert.deepEqual(parseCalledStationId('11:22:33:44:55:66;Guest'), {
      bssid: '11:22:33:44:55:66',
      ssid: 'Guest',
    });
  });
  it('given a plain MAC in any spelling, then no SSID', () => {
    assert.deepEqual(parseCalledStationId('11:22:33:44:55:66'), { bssid: '11:22:33:44:55:66', ssid: '' });
    assert.deepEqual(parseCalledStationId('1122.3344.5566'), { bssid: '11:22:33:44:55:66', ssid: '' });
  });
  it('given no MAC first (a NAS name), then null', () => {
    assert.equal(parseCalledStationId('ap-lobby'), null);
    assert.equal(parseCalledStationId(''), null);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAmiBridgeConfig } from './config.js';

const base = { AMI_SECRET: 'amisecret' };

test('given no HA settings, when loaded, then active/standby is off and the PBX is named by AMI_HOST:AMI_PORT', () => {
  const c = loadAmiBridgeConfig({ ...base, AMI_HOST: 'pbx1.example', AMI_PORT: '5039' });
  assert.equal(c.AMI_BRIDGE_HA, false);
  assert.equal(c.PBX_ID, 'pbx1.example:5039');
  assert.equal(c.AMI_BRIDGE_LEASE_MS, 3000);
});

test('given AMI_BRIDGE_HA=true with a PBX id and Sentinel settings, when loaded, then they are kept', () => {
  const c = loadAmiBridgeConfig({
    ...base,
    AMI_BRIDGE_HA: 'true',
    AMI_BRIDGE_PBX_ID: 'office-pbx',
    REDIS_URL: '',
    REDIS_SENTINELS: 's1:26379,s2:26379',
    REDIS_SENTINEL_NAME: 'sa-primary',
  });
  assert.deepEqual([c.AMI_BRIDGE_HA, c.PBX_ID, c.REDIS_SENTINELS?.length], [true, 'office-pbx', 2]);
});

test('given bad HA settings, when loaded, then start-up fails naming every variable', () => {
  assert.throws(
    () =>
      loadAmiBridgeConfig({
        ...base,
        AMI_BRIDGE_HA: 'maybe',
        AMI_BRIDGE_LEASE_MS: '100',
        AMI_BRIDGE_PBX_ID: 'pbx {1}',
        REDIS_SENTINELS: 's1:26379',
      }),
    (err: Error) =>
      /AMI_BRIDGE_HA: must be true or false/.test(err.message) &&
      /AMI_BRIDGE_LEASE_MS: must be 300\.\.60000/.test(err.message) &&
      /AMI_BRIDGE_PBX_ID: must be 1-80/.test(err.message) &&
      /REDIS_SENTINEL_NAME: required when REDIS_SENTINELS is set/.test(err.message),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadIngestConfig } from './config.js';

test('given no REDIS_KEY_PREFIX, when loaded, then the Redis prefix follows the installation prefix', () => {
  assert.equal(loadIngestConfig({ SA_BUS_PREFIX: 'site2' }).REDIS_KEY_PREFIX, 'site2:ingest:');
  assert.equal(loadIngestConfig({}).REDIS_KEY_PREFIX, 'sa:ingest:');
});

test('given an explicit REDIS_KEY_PREFIX, when loaded, then it wins', () => {
  assert.equal(loadIngestConfig({ SA_BUS_PREFIX: 'site2', REDIS_KEY_PREFIX: 'x:' }).REDIS_KEY_PREFIX, 'x:');
});

test('given RADIUS_PORT unset or empty, when loaded, then RADIUS accounting is off; a number turns it on; garbage is refused', () => {
  assert.equal(loadIngestConfig({}).RADIUS_PORT, undefined);
  assert.equal(loadIngestConfig({ RADIUS_PORT: '' }).RADIUS_PORT, undefined);
  assert.equal(loadIngestConfig({ RADIUS_PORT: '1813' }).RADIUS_PORT, 1813);
  assert.throws(() => loadIngestConfig({ RADIUS_PORT: '70000' }), /RADIUS_PORT/);
  assert.throws(() => loadIngestConfig({ RADIUS_PORT: 'radius' }), /RADIUS_PORT/);
});

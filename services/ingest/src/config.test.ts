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

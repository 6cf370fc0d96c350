import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ensureTestServers, portAnswers } from './test-servers.js';

test('given explicit URLs, when resolving test servers, then they are used as given', async () => {
  const servers = await ensureTestServers({
    NATS_URL: 'nats://10.9.9.9:1',
    REDIS_URL: 'redis://10.9.9.9:2',
    DATABASE_URL: 'postgres://x@10.9.9.9:3/db',
  });
  assert.deepEqual(servers.env, {
    NATS_URL: 'nats://10.9.9.9:1',
    REDIS_URL: 'redis://10.9.9.9:2',
    DATABASE_URL: 'postgres://x@10.9.9.9:3/db',
  });
  assert.deepEqual(servers.sources, { nats: 'env', redis: 'env', postgres: 'env' });
  await servers.stop();
});

test('given no URLs and the local servers running, when resolving, then the local defaults are used', async () => {
  const servers = await ensureTestServers({});
  assert.equal(servers.sources.nats, 'local');
  assert.equal(servers.env.REDIS_URL, 'redis://127.0.0.1:6379');
  await servers.stop();
});

test('portAnswers tells an open port from a closed one', async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  assert.equal(await portAnswers(port), true);
  server.close();
  await new Promise((r) => server.once('close', r));
  assert.equal(await portAnswers(port), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DependencyUnavailableError, redactUrl } from './errors.js';
import { createLogger } from './logger.js';
import { connectNats } from './nats.js';
import { connectPostgres } from './postgres.js';
import { connectRedis } from './redis.js';

const silent = createLogger('test', 'silent');

test('given an unreachable NATS, when connecting, then a named error says which server and variable', async () => {
  await assert.rejects(connectNats('nats://127.0.0.1:1', 'test', silent), (err: unknown) => {
    assert.ok(err instanceof DependencyUnavailableError);
    assert.match(err.message, /^cannot reach NATS at nats:\/\/127\.0\.0\.1:1 \(NATS_URL\)/);
    assert.match(err.message, /nats-server -js/);
    return true;
  });
});

test('given an unreachable Redis, when connecting, then a named error says REDIS_URL', async () => {
  await assert.rejects(connectRedis('redis://127.0.0.1:1', silent), /cannot reach Redis at .* \(REDIS_URL\)/);
});

test('given an unreachable Postgres with a password, when connecting, then the error hides the password', async () => {
  await assert.rejects(connectPostgres('postgres://u:hunter2@127.0.0.1:1/db', silent), (err: unknown) => {
    assert.ok(err instanceof DependencyUnavailableError);
    assert.match(err.message, /\(DATABASE_URL\)/);
    assert.equal(err.message.includes('hunter2'), false);
    return true;
  });
});

test('given the local servers, when connecting, then health is up and close works', async () => {
  const nats = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'test', silent);
  const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', silent);
  const pg = await connectPostgres(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test', silent);
  assert.equal(nats.health().status, 'up');
  assert.equal(redis.health().status, 'up');
  assert.equal((await pg.health()).status, 'up');
  await Promise.all([nats.close(), redis.close(), pg.close()]);
  assert.equal(nats.health().status, 'down');
});

test('redactUrl hides only the password', () => {
  assert.equal(redactUrl('redis://user:pw@host:1/0'), 'redis://user:***@host:1/0');
  assert.equal(redactUrl('not a url'), 'not a url');
});

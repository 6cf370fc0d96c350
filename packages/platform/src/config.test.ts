import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { commonEnv, env, loadConfig, redisEnv } from './config.js';
import { ConfigError } from './errors.js';

const schema = z.object({ ...commonEnv, OPS_PORT: env.port(9101), ADMIN_PASSWORD: z.string().min(12) });

test('given no variables, when loaded, then defaults apply and the result is frozen', () => {
  const config = loadConfig(schema.omit({ ADMIN_PASSWORD: true }), {});
  assert.equal(config.NATS_URL, 'nats://127.0.0.1:4222');
  assert.equal(config.OPS_PORT, 9101);
  assert.ok(Object.isFrozen(config));
});

test('given a bad NATS_URL and port, when loaded, then one line names each bad variable', () => {
  assert.throws(
    () => loadConfig(schema, { NATS_URL: 'http://x', OPS_PORT: '70000', ADMIN_PASSWORD: 'long-enough-pass' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message.includes('\n'), false);
      assert.match(err.message, /NATS_URL: must be a nats:\/\/ .*\(got "http:\/\/x"\)/);
      assert.match(err.message, /OPS_PORT: must be 0\.\.65535/);
      return true;
    },
  );
});

test('given a secret-looking variable with a bad value, when loaded, then the value is not echoed', () => {
  assert.throws(
    () => loadConfig(schema, { ADMIN_PASSWORD: 'short' }),
    (err: unknown) =>
      err instanceof ConfigError && err.message.includes('ADMIN_PASSWORD') && !err.message.includes('short'),
  );
});

test('given an empty string, when loaded, then it counts as unset', () => {
  const config = loadConfig(schema.omit({ ADMIN_PASSWORD: true }), { LOG_LEVEL: '' });
  assert.equal(config.LOG_LEVEL, 'info');
});

test('given an int out of its bounds, when loaded, then the message names the range', () => {
  const bounded = z.object({ BATCH: env.int(10, 1, 100) });
  assert.equal(loadConfig(bounded, {}).BATCH, 10);
  assert.throws(() => loadConfig(bounded, { BATCH: '0' }), /BATCH: must be 1\.\.100 \(got "0"\)/);
  assert.throws(() => loadConfig(bounded, { BATCH: '1.5' }), /BATCH: must be a whole number/);
});

test('given NATS credentials, when loaded, then both are kept; a user without a password (or the reverse) is one clear problem each, the password never echoed', () => {
  const nats = schema.omit({ ADMIN_PASSWORD: true });
  const both = loadConfig(nats, { NATS_USER: 'router', NATS_PASSWORD: 'p0123456789abcdef' });
  assert.equal(both.NATS_USER, 'router');
  assert.equal(both.NATS_PASSWORD, 'p0123456789abcdef');
  assert.equal(loadConfig(nats, {}).NATS_USER, undefined);
  assert.throws(
    () => loadConfig(nats, { NATS_USER: 'router' }),
    /NATS_PASSWORD: required when NATS_USER is set \(missing\)/,
  );
  assert.throws(
    () => loadConfig(nats, { NATS_PASSWORD: 'p0123456789abcdef' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /NATS_USER: required when NATS_PASSWORD is set/.test(err.message) &&
      !err.message.includes('p0123456789abcdef'),
  );
  assert.throws(
    () => loadConfig(nats, { NATS_USER: 'router', NATS_PASSWORD: 'short' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /NATS_PASSWORD: must be at least 8/.test(err.message) &&
      !err.message.includes('"short"'),
  );
});

test('given a wrong URL carrying a password, when loaded, then the problem names the variable without the password', () => {
  const urls = z.object({ REDIS_URL: env.url(['redis', 'rediss'], 'redis://127.0.0.1:6379') });
  assert.throws(
    () => loadConfig(urls, { REDIS_URL: 'http://:hunter2secret@redis:6379' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL with a host \(got "http:\/\/:\*\*\*@redis:6379"\)/.test(
        err.message,
      ) &&
      !err.message.includes('hunter2secret'),
  );
});

test('given NATS_REPLICAS and a NATS_URL listing a cluster, when loaded, then both are kept; replicas outside 1..5 or a bad URL in the list are named', () => {
  const nats = schema.omit({ ADMIN_PASSWORD: true });
  assert.equal(loadConfig(nats, {}).NATS_REPLICAS, 1);
  const c = loadConfig(nats, {
    NATS_REPLICAS: '3',
    NATS_URL: 'nats://n1:4222, nats://n2:4222,nats://n3:4222',
  });
  assert.equal(c.NATS_REPLICAS, 3);
  assert.throws(() => loadConfig(nats, { NATS_REPLICAS: '7' }), /NATS_REPLICAS: must be 1\.\.5 \(got "7"\)/);
  assert.throws(
    () => loadConfig(nats, { NATS_URL: 'nats://n1:4222,http://n2' }),
    /NATS_URL: must be a nats:\/\/ .*several: comma-separated/,
  );
});

test('given each Redis mode, when loaded, then sentinels and cluster nodes are parsed into host and port', () => {
  const redis = z.object(redisEnv);
  assert.equal(loadConfig(redis, {}).REDIS_URL, 'redis://127.0.0.1:6379');
  const sentinel = loadConfig(redis, {
    REDIS_SENTINELS: 'sentinel-a:26379,[::1]:26380',
    REDIS_SENTINEL_NAME: 'sa-primary',
  });
  assert.deepEqual(sentinel.REDIS_SENTINELS, [
    { host: 'sentinel-a', port: 26379 },
    { host: '::1', port: 26380 },
  ]);
  const cluster = loadConfig(redis, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' });
  assert.equal(cluster.REDIS_CLUSTER_NODES?.length, 2);
});

test('given Redis settings that contradict each other or a bad node, when loaded, then each problem names its variable and no password is echoed', () => {
  const redis = z.object(redisEnv);
  const problems = (source: Record<string, string>) => {
    try {
      loadConfig(redis, source);
      return '';
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
  };
  assert.match(
    problems({ REDIS_SENTINELS: 'a:26379' }),
    /REDIS_SENTINEL_NAME: required when REDIS_SENTINELS is set/,
  );
  assert.match(
    problems({ REDIS_SENTINEL_NAME: 'sa-primary' }),
    /REDIS_SENTINELS: required when REDIS_SENTINEL_NAME is set/,
  );
  assert.match(
    problems({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2' }),
    /REDIS_CLUSTER_NODES: cannot be combined with REDIS_SENTINELS/,
  );
  const both = problems({ REDIS_URL: 'redis://:hunter2secret@r:6379', REDIS_CLUSTER_NODES: 'b:2' });
  assert.match(both, /REDIS_CLUSTER_NODES: cannot be combined with REDIS_URL/);
  assert.match(
    problems({ REDIS_CLUSTER_NODES: 'b:2,c,d:99999' }),
    /REDIS_CLUSTER_NODES: "c" is not host:port/,
  );
  assert.match(problems({ REDIS_SENTINELS: 'a:0', REDIS_SENTINEL_NAME: 'm' }), /"a:0" is not host:port/);
  const bad = problems({ REDIS_PASSWORD: '', REDIS_SENTINEL_NAME: 'bad name', REDIS_SENTINELS: 'a:1' });
  assert.match(bad, /REDIS_SENTINEL_NAME: must be 1-64/);
  assert.equal(both.includes('hunter2secret'), false);
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from './logger.js';
import { connectRedis } from './redis.js';
import { ownedLeases } from './redis-lease.js';

test('given a lease held by one owner, then another can neither take, renew nor release it; its owner can', async () => {
  const redis = await connectRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    createLogger('t', 'silent'),
  );
  const key = `{t:lease:${randomBytes(4).toString('hex')}}:lease`;
  try {
    const leases = ownedLeases(redis.redis);
    assert.equal(await leases.acquire(key, 'a', 5000), true);
    assert.equal(await leases.acquire(key, 'b', 5000), false, 'taken');
    assert.equal(await leases.renew(key, 'b', 60_000), false, 'not b to renew');
    await leases.release(key, 'b');
    assert.equal(await redis.redis.get(key), 'a', 'not b to release');
    assert.equal(await leases.renew(key, 'a', 60_000), true);
    assert.ok((await redis.redis.pttl(key)) > 5000, 'renewed to the new TTL');
    await leases.release(key, 'a');
    assert.equal(await redis.redis.get(key), null);
    assert.equal(await leases.acquire(key, 'b', 5000), true, 'free again');
  } finally {
    await redis.redis.del(key);
    await redis.close();
  }
});

test('given a lease whose key vanished (a failover promoted a replica whose copy had expired), when its owner renews, then it holds it again; when another holds it by then, the renewal fails', async () => {
  const redis = await connectRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    createLogger('t', 'silent'),
  );
  const key = `{t:lease:${randomBytes(4).toString('hex')}}:lease`;
  try {
    const leases = ownedLeases(redis.redis);
    assert.equal(await leases.acquire(key, 'a', 5000), true);
    await redis.redis.del(key);
    assert.equal(await leases.renew(key, 'a', 5000), true, 'taken again by its owner');
    assert.equal(await redis.redis.get(key), 'a');
    assert.ok((await redis.redis.pttl(key)) > 4000, 'with the renewal TTL');
    await redis.redis.del(key);
    assert.equal(await leases.acquire(key, 'b', 5000), true, 'b took the free lease first');
    assert.equal(await leases.renew(key, 'a', 5000), false, 'no longer a to renew');
    assert.equal(await redis.redis.get(key), 'b');
  } finally {
    await redis.redis.del(key);
    await redis.close();
  }
});

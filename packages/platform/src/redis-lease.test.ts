import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from './logger.js';
import { connectRedis, type Redis } from './redis.js';
import { type OwnedLeases, ownedLeases } from './redis-lease.js';

/** Runs `check` with the leases on the local Redis and a key of its own, removed afterwards. */
async function withLease(check: (leases: OwnedLeases, key: string, redis: Redis) => Promise<void>) {
  const client = await connectRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    createLogger('t', 'silent'),
  );
  const key = `{t:lease:${randomBytes(4).toString('hex')}}:lease`;
  try {
    await check(ownedLeases(client.redis), key, client.redis);
  } finally {
    await client.redis.del(key);
    await client.close();
  }
}

test('given a lease held by one owner, then another can neither take, renew nor release it; its owner can', () =>
  withLease(async (leases, key, redis) => {
    assert.equal(await leases.acquire(key, 'a', 5000), true);
    assert.equal(await leases.acquire(key, 'b', 5000), false, 'taken');
    assert.equal(await leases.renew(key, 'b', 60_000), false, 'not b to renew');
    await leases.release(key, 'b');
    assert.equal(await redis.get(key), 'a', 'not b to release');
    assert.equal(await leases.renew(key, 'a', 60_000), true);
    assert.ok((await redis.pttl(key)) > 5000, 'renewed to the new TTL');
    await leases.release(key, 'a');
    assert.equal(await redis.get(key), null);
    assert.equal(await leases.acquire(key, 'b', 5000), true, 'free again');
  }));

test('given a lease whose key vanished (a failover promoted a replica whose copy had expired), when its owner renews, then it holds it again; when another holds it by then, the renewal fails', () =>
  withLease(async (leases, key, redis) => {
    assert.equal(await leases.acquire(key, 'a', 5000), true);
    await redis.del(key);
    assert.equal(await leases.renew(key, 'a', 5000), true, 'taken again by its owner');
    assert.equal(await redis.get(key), 'a');
    assert.ok((await redis.pttl(key)) > 4000, 'with the renewal TTL');
    await redis.del(key);
    assert.equal(await leases.acquire(key, 'b', 5000), true, 'b took the free lease first');
    assert.equal(await leases.renew(key, 'a', 5000), false, 'no longer a to renew');
    assert.equal(await redis.get(key), 'b');
  }));

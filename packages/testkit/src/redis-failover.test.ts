// @sa/platform's Redis connector in Sentinel and Cluster modes, on local redis-server set-ups: it
// connects, keeps working through a Sentinel failover and a killed primary, and routes commands to
// the right Cluster node (multi-key commands only within one hash slot).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectRedis, createLogger, parseHostPort, type RedisClient } from '@sa/platform';
import { type RedisSentinelSetup, redisCli, startRedisCluster, startRedisSentinel } from './redis-local.js';
import { startTcpProxy } from './tcp-proxy.js';
import { waitFor } from './wait.js';

const silent = createLogger('test', 'silent');
const hostPorts = (list: string) => list.split(',').map((e) => parseHostPort(e)!);

/** Writes and reads back through `client`, retrying while a failover is under way. */
async function writesAndReads(client: RedisClient, key: string, value: string): Promise<void> {
  await waitFor(
    async () => {
      await client.redis.set(key, value);
      return (await client.redis.get(key)) === value;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `a write and read of ${key}` },
  );
}

/** The platform's client in Sentinel mode on `setup` (REDIS_URL is ignored in that mode). */
const viaSentinels = (setup: RedisSentinelSetup) =>
  connectRedis(
    {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_SENTINELS: hostPorts(setup.sentinels),
      REDIS_SENTINEL_NAME: setup.masterName,
    },
    silent,
  );

describe('Redis with Sentinel', () => {
  test('given a primary, a replica and three sentinels, when the primary fails over and then is killed, then the client keeps reading and writing on the new primary', async () => {
    await using setup = await startRedisSentinel();
    const client = await viaSentinels(setup);
    try {
      assert.equal(client.mode, 'sentinel');
      const first = await setup.masterPort();
      await client.redis.set('before', 'kept');
      // the write reaches the replica before it is promoted (WAIT: one replica acknowledged)
      assert.equal(await client.redis.wait(1, 2000), 1);

      await setup.failover();
      const second = await setup.masterPort();
      assert.notEqual(second, first);
      await writesAndReads(client, 'after-failover', 'yes');
      assert.equal(await redisCli(second, 'GET', 'after-failover'), 'yes', 'written on the new primary');
      assert.equal(await client.redis.get('before'), 'kept');

      await waitFor(async () => /slave0:.*state=online/.test(await redisCli(second, 'INFO', 'replication')), {
        timeoutMs: 15_000,
        what: 'the old primary to be an online replica of the new one',
      });
      assert.equal(await client.redis.wait(1, 5000), 1);
      await setup.killMaster();
      await writesAndReads(client, 'after-kill', 'yes');
      assert.equal(await redisCli(first, 'GET', 'after-kill'), 'yes', 'written on the first primary again');
      assert.equal(client.health().status, 'up');
    } finally {
      await client.close();
    }
  });

  test('given a Sentinel failover, when the replica is promoted, then the client writes to the new primary before the sentinels demote the old one (no write lands where the demotion drops it)', async () => {
    await using setup = await startRedisSentinel();
    const client = await viaSentinels(setup);
    try {
      const first = await setup.masterPort();
      await setup.promoteReplica();
      const second = await setup.masterPort();
      // the sentinels demote the old primary on their next INFO round, up to 10 s later: the client
      // must have left it well before, on the sentinels' +switch-master announcement
      let n = 0;
      await waitFor(
        async () => {
          n += 1;
          await client.redis.set('after-promotion', String(n));
          return (await redisCli(second, 'GET', 'after-promotion')) === String(n);
        },
        { timeoutMs: 3000, intervalMs: 50, what: 'a write through the client on the promoted replica' },
      );
      assert.match(
        await redisCli(first, 'INFO', 'replication'),
        /role:master/,
        'the old primary is not demoted yet: the client followed the promotion, not the demotion',
      );
    } finally {
      await client.close();
    }
  });

  test('given a client reconnecting through a slow sentinel, when the sentinels announce the new primary meanwhile, then the client still reaches it (the announcement does not end the client)', async () => {
    await using setup = await startRedisSentinel();
    const sentinel = hostPorts(setup.sentinels)[0]!;
    const proxy = await startTcpProxy(sentinel);
    const client = await connectRedis(
      {
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_SENTINELS: [{ host: '127.0.0.1', port: proxy.port }],
        REDIS_SENTINEL_NAME: setup.masterName,
      },
      silent,
    );
    try {
      let announced = false;
      client.onFailover(() => {
        announced = true;
      });
      // once the switch watch listens, the client's next question to the sentinel waits unanswered
      await waitFor(async () => /sub=1/.test(await redisCli(sentinel.port, 'CLIENT', 'LIST')), {
        what: 'the switch watch to subscribe',
      });
      proxy.hold();
      await setup.killMaster();
      await waitFor(() => announced, { what: 'the +switch-master announcement' });
      assert.equal(client.redis.status, 'connecting', 'the client is still asking the held sentinel');
      proxy.release();
      await writesAndReads(client, 'after-slow-sentinel', 'yes');
      assert.equal(await redisCli(await setup.masterPort(), 'GET', 'after-slow-sentinel'), 'yes');
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test('given sentinels that do not answer, when connecting, then a named error says REDIS_SENTINELS', async () => {
    await assert.rejects(
      connectRedis(
        {
          REDIS_URL: 'redis://127.0.0.1:6379',
          REDIS_SENTINELS: hostPorts('127.0.0.1:1'),
          REDIS_SENTINEL_NAME: 'x',
        },
        silent,
      ),
      /cannot reach Redis at sentinels 127\.0\.0\.1:1 \(primary "x"\) \(REDIS_SENTINELS\)/,
    );
  });
});

describe('Redis Cluster', () => {
  test('given a 3-primary cluster, when connected with some of its nodes, then keys in every slot are served, hash-tagged keys share a script and a pipeline, and keys of different slots cannot share an MGET', async () => {
    await using cluster = await startRedisCluster(3);
    const client = await connectRedis(
      { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: hostPorts(cluster.nodes).slice(0, 1) },
      silent,
    );
    try {
      assert.equal(client.mode, 'cluster');
      const { redis } = client;
      // 60 keys spread over the slots (and so over the three primaries)
      for (let i = 0; i < 60; i++) await redis.set(`k${i}`, String(i));
      for (let i = 0; i < 60; i++) assert.equal(await redis.get(`k${i}`), String(i));
      const owners = await Promise.all(
        cluster.nodes.split(',').map(async (n) => Number(await redisCli(Number(n.split(':')[1]), 'DBSIZE'))),
      );
      assert.ok(
        owners.every((count) => count > 0),
        `every primary holds keys: ${owners}`,
      );

      const sum = await redis.eval(
        "return redis.call('INCRBY', KEYS[1], 2) + redis.call('INCRBY', KEYS[2], 3)",
        2,
        '{dev1}:a',
        '{dev1}:b',
      );
      assert.equal(sum, 5);
      const results = await redis.pipeline().set('{dev1}:c', '1').get('{dev1}:a').exec();
      assert.deepEqual(
        results?.map(([err, v]) => [err, v]),
        [
          [null, 'OK'],
          [null, '2'],
        ],
      );
      await assert.rejects(redis.mget('k1', 'k2', 'k3', 'k4'), /CROSSSLOT|same slot/i);
    } finally {
      await client.close();
    }
  });
});

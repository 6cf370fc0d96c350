// Local Redis set-ups with failover for tests, from redis-server processes on loopback ports: a
// primary with one replica watched by three sentinels, and a Redis Cluster of three primaries.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePorts,
  type LocalServer,
  reapWhenGone,
  removeWorkDir,
  startLocalServer,
  waitForLog,
  workDir,
} from './local-servers.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** One redis-cli command against a loopback port; its output, trimmed. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

/** A data server (no persistence: tests only) in its own directory under `dir`. */
function startRedis(dir: string, name: string, port: number, extra: string[] = []): LocalServer {
  const own = join(dir, name);
  mkdirSync(own, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  // a replica (re)joining is synced at once, not after the default 5 s wait for more replicas
  args.push('--repl-diskless-sync-delay', '0');
  return startLocalServer(dir, name, 'redis-server', [...args, '--dir', own, ...extra]);
}

/** Starts the servers, then `ready`; on any failure stops what started and removes the directory. */
async function startAll<T>(dir: string, servers: LocalServer[], ready: () => Promise<T>): Promise<T> {
  try {
    await Promise.all(servers.map((s) => waitForLog(s, /Ready to accept connections|Sentinel ID is/)));
    return await ready();
  } catch (err) {
    await Promise.all(servers.map((s) => s.kill()));
    await removeWorkDir(dir);
    throw err;
  }
}

export interface RedisSentinelSetup {
  readonly masterName: string;
  /** `host:port,...` of the three sentinels (REDIS_SENTINELS) */
  readonly sentinels: string;
  /** the port of the current primary, as the sentinels report it */
  masterPort(): Promise<number>;
  /**
   * `SENTINEL FAILOVER`: the replica is promoted; resolves once the sentinels name it and the old
   * primary follows it (until then the old primary still takes writes, which its demotion drops).
   */
  failover(): Promise<void>;
  /** `SENTINEL FAILOVER`, resolving once the sentinels name the new primary: the old one is not demoted yet. */
  promoteReplica(): Promise<void>;
  /** SIGKILLs the current primary (the sentinels promote the replica after down-after-milliseconds). */
  killMaster(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SENTINEL_DOWN_AFTER_MS = 1000;

export async function startRedisSentinel(masterName = 'sa-primary'): Promise<RedisSentinelSetup> {
  const dir = workDir('redis-sentinel');
  reapWhenGone(dir);
  const [primary, replica, ...sentinelPorts] = await freePorts(5);
  const data = new Map<number, LocalServer>([
    [primary!, startRedis(dir, 'primary', primary!)],
    [replica!, startRedis(dir, 'replica', replica!, ['--replicaof', '127.0.0.1', String(primary)])],
  ]);
  const sentinels = sentinelPorts.map((port, i) => {
    const file = join(dir, `sentinel${i + 1}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${primary} 2`,
        `sentinel down-after-milliseconds ${masterName} ${SENTINEL_DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${masterName} 10000`,
        '',
      ].join('\n'),
    );
    return startLocalServer(dir, `sentinel${i + 1}`, 'redis-server', [file, '--sentinel']);
  });
  const ask = (...args: string[]) => redisCli(sentinelPorts[0]!, 'SENTINEL', ...args);
  const masterPort = async () => Number((await ask('get-master-addr-by-name', masterName)).split('\n')[1]);
  const stop = async () => {
    await Promise.all([...data.values(), ...sentinels].map((s) => s.stop()));
    await removeWorkDir(dir);
  };
  await startAll(dir, [...data.values(), ...sentinels], async () => {
    // every sentinel knows the replica (in sync) and the two other sentinels: a failover can happen
    await waitFor(async () => /master_link_status:up/.test(await redisCli(replica!, 'INFO', 'replication')), {
      timeoutMs: 15_000,
      what: 'the replica to sync',
    });
    for (const port of sentinelPorts)
      await waitFor(
        async () => {
          const known = await redisCli(port, 'SENTINEL', 'master', masterName);
          return /num-slaves\n1\n/.test(known) && /num-other-sentinels\n2\n/.test(known);
        },
        { timeoutMs: 15_000, intervalMs: 100, what: `sentinel on ${port} to know the replica and its peers` },
      );
  });
  const waitForPrimary = (port: number) =>
    waitFor(async () => (await masterPort()) === port, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `the sentinels to name ${port} the primary`,
    });
  const promote = async (before: number) => {
    await ask('failover', masterName);
    await waitForPrimary(before === primary ? replica! : primary!);
  };
  return {
    masterName,
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    masterPort,
    promoteReplica: async () => {
      await promote(await masterPort());
    },
    failover: async () => {
      const before = await masterPort();
      await promote(before);
      await waitFor(async () => /role:slave/.test(await redisCli(before, 'INFO', 'replication')), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `the old primary ${before} to follow the new one`,
      });
    },
    killMaster: async () => {
      const before = await masterPort();
      await data.get(before)!.kill();
      await waitForPrimary(before === primary ? replica! : primary!);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

export interface RedisClusterSetup {
  /** `host:port,...` of the primaries (REDIS_CLUSTER_NODES) */
  readonly nodes: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A Redis Cluster of `primaries` primaries without replicas, every slot assigned, state ok. */
export async function startRedisCluster(primaries = 3): Promise<RedisClusterSetup> {
  const dir = workDir('redis-cluster');
  reapWhenGone(dir);
  const ports = await freePorts(primaries * 2);
  const servers = Array.from({ length: primaries }, (_, i) =>
    startRedis(dir, `node${i + 1}`, ports[i * 2]!, [
      ...['--cluster-enabled', 'yes', '--cluster-port', String(ports[i * 2 + 1])],
      ...['--cluster-config-file', join(dir, `node${i + 1}`, 'nodes.conf'), '--cluster-node-timeout', '2000'],
    ]),
  );
  const nodes = servers.map((_, i) => `127.0.0.1:${ports[i * 2]}`);
  await startAll(dir, servers, async () => {
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-yes']);
    await waitFor(
      async () => {
        for (const n of nodes)
          if (!/cluster_state:ok/.test(await redisCli(Number(n.split(':')[1]), 'CLUSTER', 'INFO')))
            return false;
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'every cluster node to report state ok' },
    );
  });
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await removeWorkDir(dir);
  };
  return { nodes: nodes.join(','), stop, [Symbol.asyncDispose]: stop };
}

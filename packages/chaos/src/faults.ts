// The faults of the chaos run, each injected while phones report and calls arrive, and each
// followed (restoreAfterS later) by what an operator or a supervisor would do: the killed NATS node,
// router or ami-bridge is started again, so the next fault again finds three nodes and two of each
// service. Each returns what it observed (takeover and recovery times) for the account.
import { busNames } from '@sa/proto';
import { redisCli, type ServiceProcess, waitFor } from '@sa/testkit';
import { ROUTER_PARTITIONS } from './chaos-env.js';
import type { ChaosSystem } from './chaos-system.js';

export type FaultName =
  | 'nats-node-sigkill'
  | 'redis-failover'
  | 'postgres-restart'
  | 'router-sigkill'
  | 'ami-bridge-sigkill';

export const FAULTS: readonly FaultName[] = [
  'nats-node-sigkill',
  'redis-failover',
  'postgres-restart',
  'router-sigkill',
  'ami-bridge-sigkill',
];

export type FaultDetail = Record<string, string | number | boolean>;

export interface Fault {
  /** injects the fault; resolves with what it saw happen right after */
  inject(): Promise<FaultDetail>;
  /** brings the killed part back (nothing for a failover); resolves with what it saw */
  restore(): Promise<FaultDetail>;
}

const seconds = (fromMs: number) => Math.round((Date.now() - fromMs) / 100) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node leading the phone stream (the one whose loss hurts most), from the nodes' /jsz. */
async function phoneStreamLeader(system: ChaosSystem): Promise<number> {
  const stream = busNames(system.infra.prefix).phoneStream;
  for (const node of system.nats.nodes) {
    const res = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz?streams=true`).catch(() => null);
    if (!res?.ok) continue;
    const jsz = (await res.json()) as {
      account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[];
    };
    for (const account of jsz.account_details ?? []) {
      const leader = account.stream_detail?.find((s) => s.name === stream)?.cluster?.leader;
      const k = system.nats.nodes.findIndex((n) => n.name === leader);
      if (k >= 0) return k;
    }
  }
  return 0;
}

function natsNodeKill(system: ChaosSystem): Fault {
  let node = 0;
  return {
    inject: async () => {
      node = await phoneStreamLeader(system);
      await system.nats.kill(node);
      return { node: system.nats.nodes[node]!.name, ledPhoneStream: true };
    },
    restore: async () => {
      const t0 = Date.now();
      await system.nats.restart(node);
      return { nodeBackS: seconds(t0) };
    },
  };
}

/**
 * `failover`: SENTINEL FAILOVER, an operator's switch (the old primary stays up until the sentinels
 * demote it); `kill-primary`: the primary SIGKILLed, the sentinels promote the replica.
 */
export type RedisFault = 'failover' | 'kill-primary';

function redisFailover(system: ChaosSystem, how: RedisFault): Fault {
  return {
    inject: async () => {
      const before = await system.redis.masterPort();
      const t0 = Date.now();
      await (how === 'failover' ? system.redis.failover() : system.redis.killMaster());
      const to = await system.redis.masterPort();
      return { how, from: before, to, newPrimaryS: seconds(t0) };
    },
    restore: async () => ({}),
  };
}

async function adminsHealthy(system: ChaosSystem): Promise<boolean> {
  const answers = await Promise.all(
    system.services.admin.map((a) =>
      fetch(`${a.addresses.http}/api/v1/health`)
        .then((r) => r.status === 200)
        .catch(() => false),
    ),
  );
  return answers.every(Boolean);
}

function postgresRestart(system: ChaosSystem, downMs: number): Fault {
  return {
    inject: async () => {
      const t0 = Date.now();
      await system.postgres.shutdown();
      await sleep(downMs);
      await system.postgres.start();
      const upS = seconds(t0);
      await waitFor(() => adminsHealthy(system), {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'both admins healthy',
      });
      return { postgresDownS: upS, adminsHealthyAfterS: seconds(t0) };
    },
    restore: async () => ({}),
  };
}

function routerKill(system: ChaosSystem): Fault {
  const k = 0;
  const leases = Array.from(
    { length: ROUTER_PARTITIONS },
    (_, p) => `{sa:${system.infra.prefix}:p${p}}:lease`,
  );
  return {
    inject: async () => {
      const t0 = Date.now();
      await system.services.router[k]!.stop('SIGKILL');
      const survivor = `chaos-router-${1 - k}`;
      await waitFor(
        async () => {
          const port = await system.redis.masterPort();
          const owners = (await redisCli(port, 'MGET', ...leases)).split('\n');
          return owners.every((o) => o.includes(survivor));
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `${survivor} to own every partition` },
      );
      return { killed: `chaos-router-${k}`, partitionsTakenOverS: seconds(t0) };
    },
    restore: async () => {
      await system.restart('router', k);
      return { restarted: `chaos-router-${k}` };
    },
  };
}

/** The last role a bridge logged (from its log line `from` on). */
const roleOf = (b: ServiceProcess, from = 0) =>
  b.logs
    .slice(from)
    .filter((l) => l.event === 'ami_bridge_role')
    .at(-1)?.['role'] as string | undefined;

function amiBridgeKill(system: ChaosSystem): Fault {
  let k = 0;
  return {
    inject: async () => {
      const bridges = system.services['ami-bridge'];
      k = Math.max(
        0,
        bridges.findIndex((b) => roleOf(b) === 'active'),
      );
      const t0 = Date.now();
      await bridges[k]!.stop('SIGKILL');
      const standby = bridges[1 - k]!;
      const from = standby.logs.length;
      await waitFor(() => roleOf(standby, from) === 'active', {
        timeoutMs: 30_000,
        what: 'the standby ami-bridge to become active',
      });
      return { killed: `ami-bridge ${k} (active)`, standbyActiveS: seconds(t0) };
    },
    restore: async () => {
      await system.restart('ami-bridge', k);
      return { restarted: `ami-bridge ${k} (standby now)` };
    },
  };
}

export function makeFault(
  name: FaultName,
  system: ChaosSystem,
  options: { postgresDownMs: number; redisFault: RedisFault },
): Fault {
  switch (name) {
    case 'nats-node-sigkill':
      return natsNodeKill(system);
    case 'redis-failover':
      return redisFailover(system, options.redisFault);
    case 'postgres-restart':
      return postgresRestart(system, options.postgresDownMs);
    case 'router-sigkill':
      return routerKill(system);
    case 'ami-bridge-sigkill':
      return amiBridgeKill(system);
  }
}

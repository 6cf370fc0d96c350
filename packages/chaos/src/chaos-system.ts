// The whole system for the chaos run, every part a real process this run owns: a 3-node NATS
// cluster, Redis with a replica and three sentinels, a private PostgreSQL, and two processes of each
// service (admin, ami-bridge, router, ingest), with the AMI test server in this process standing in
// for Asterisk. Nothing touches the machine's shared NATS, Redis or Postgres.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LocalPostgres,
  type NatsCluster,
  type RedisSentinelSetup,
  type ServiceName,
  type ServiceProcess,
  startLocalPostgres,
  startNatsCluster,
  startRedisSentinel,
  startService,
  uniqueName,
} from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';
import { type Infrastructure, serviceEnv } from './chaos-env.js';

const SERVICE_ORDER: readonly ServiceName[] = ['admin', 'ami-bridge', 'router', 'ingest'];

export interface ChaosSystem {
  readonly infra: Infrastructure;
  readonly nats: NatsCluster;
  readonly redis: RedisSentinelSetup;
  readonly postgres: LocalPostgres;
  readonly ami: AmiTestServer;
  /** two processes per service; a killed one is replaced in place by `restart` */
  readonly services: Record<ServiceName, ServiceProcess[]>;
  /** Starts instance `k` of a service again (after it was killed), with the same environment. */
  restart(name: ServiceName, k: number): Promise<ServiceProcess>;
  /** Writes every service process's log lines (killed ones too) into `dir`, one JSONL file each. */
  saveLogs(dir: string): void;
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

async function startInfrastructure(log: Log) {
  const t0 = performance.now();
  const [nats, redis, postgres, ami] = await Promise.all([
    startNatsCluster(),
    startRedisSentinel('sa-chaos'),
    startLocalPostgres(),
    AmiTestServer.start(),
  ]);
  log(
    `NATS cluster, Redis Sentinel, Postgres and the AMI test server up in ${Math.round(performance.now() - t0)} ms`,
  );
  return { nats, redis, postgres, ami };
}

export async function startChaosSystem(leaseMs: number, log: Log): Promise<ChaosSystem> {
  const { nats, redis, postgres, ami } = await startInfrastructure(log);
  const workDir = mkdtempSync(join(tmpdir(), 'sa-chaos-'));
  const infra: Infrastructure = {
    natsUrl: nats.natsUrl,
    sentinels: redis.sentinels,
    sentinelName: redis.masterName,
    databaseUrl: postgres.url,
    amiPort: ami.port,
    amiUsername: ami.options.username,
    amiSecret: ami.options.secret,
    prefix: uniqueName('chaos'),
    workDir,
    leaseMs,
  };
  const services = { admin: [], 'ami-bridge': [], router: [], ingest: [] } as Record<
    ServiceName,
    ServiceProcess[]
  >;
  const all: ServiceProcess[] = [];
  const launch = async (name: ServiceName, k: number) => {
    const svc = await startService(name, { env: serviceEnv(name, infra, k), timeoutMs: 60_000 });
    all.push(svc);
    return svc;
  };
  const stop = async () => {
    await Promise.all(Object.values(services).flatMap((list) => list.map((s) => s.stop('SIGTERM'))));
    await Promise.all([nats.stop(), redis.stop(), postgres.stop(), ami.stop()]);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    // admin first (it creates the buckets and the key ring), one after the other: the second admin
    // finds the schema migrated and the KEK file written
    for (const name of SERVICE_ORDER) {
      for (const k of [0, 1]) services[name][k] = await launch(name, k);
      log(`${name} x2 up`);
    }
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return {
    infra,
    nats,
    redis,
    postgres,
    ami,
    services,
    restart: async (name, k) => {
      services[name][k] = await launch(name, k);
      return services[name][k]!;
    },
    saveLogs: (dir) => {
      mkdirSync(dir, { recursive: true });
      for (const [n, svc] of all.entries()) {
        const lines = [...svc.logs.map((l) => JSON.stringify(l)), ...svc.stderr];
        writeFileSync(join(dir, `${svc.name}-${n}-pid${svc.child.pid}.jsonl`), `${lines.join('\n')}\n`);
      }
    },
    stop,
  };
}

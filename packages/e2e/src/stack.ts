// The whole system as real processes: the AMI test server standing in for Asterisk, and admin,
// ami-bridge, router and ingest against real NATS, Redis and Postgres, isolated by fresh prefixes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, connectRedis, createLogger } from '@sa/platform';
import { busNames } from '@sa/proto';
import {
  deleteRedisKeys,
  repoRoot,
  type ServiceName,
  type ServiceProcess,
  startService,
  testUrls,
  uniqueName,
} from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';
import { type AdminApi, loginAdmin } from './admin-api.js';

export const ADMIN_PASSWORD = 'correct-horse-battery-staple';

export interface StackOptions {
  /** seconds of silence before a user falls back to the default scenario */
  readonly presenceTimeoutS?: number;
  readonly echo?: boolean;
  readonly extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

export interface Stack {
  readonly prefix: string;
  readonly ami: AmiTestServer;
  readonly services: Record<ServiceName, ServiceProcess>;
  readonly admin: AdminApi;
  readonly ingestUdp: { host: string; port: number };
  readonly ingestHttp: string;
  /** Signs a licence with the stack's issuer key through the real `sa-licence` CLI. */
  signLicence(deviceId: string, tier: 'free' | 'standard' | 'premium'): string;
  /** Restarts one service process with the same environment. */
  restart(name: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Each service's environment: one bus prefix (NATS subjects, Redis keys, Postgres schema) per stack. */
function serviceEnvs(
  prefix: string,
  workDir: string,
  publicKeys: string,
  ami: AmiTestServer,
  options: StackOptions,
): Record<ServiceName, Record<string, string>> {
  const common = {
    NATS_URL: testUrls.nats,
    REDIS_URL: testUrls.redis,
    SA_BUS_PREFIX: prefix,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'info',
  };
  return {
    admin: {
      ...common,
      DATABASE_URL: testUrls.postgres,
      DATABASE_SCHEMA: prefix,
      ADMIN_PORT: '0',
      ADMIN_PASSWORD,
      ADMIN_KEK_FILE: join(workDir, 'admin.kek'),
      LICENCE_PUBLIC_KEYS: publicKeys,
      ...options.extraEnv?.admin,
    },
    'ami-bridge': {
      ...common,
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(ami.port),
      AMI_USERNAME: ami.options.username,
      AMI_SECRET: ami.options.secret,
      ...options.extraEnv?.['ami-bridge'],
    },
    router: {
      ...common,
      PRESENCE_TIMEOUT_S: String(options.presenceTimeoutS ?? 120),
      ROUTER_SWEEP_MS: '100',
      ...options.extraEnv?.router,
    },
    ingest: { ...common, INGEST_HOST: '127.0.0.1', INGEST_PORT: '0', ...options.extraEnv?.ingest },
  };
}

const licenceCli = () => join(repoRoot, 'services', 'admin', 'dist', 'cli', 'sa-licence.js');

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = uniqueName('e2e');
  const workDir = mkdtempSync(join(tmpdir(), 'sa-e2e-'));
  const keyFile = join(workDir, 'issuer.key');
  const keygen = execFileSync(process.execPath, [licenceCli(), 'keygen', '--out', keyFile], {
    encoding: 'utf8',
  });
  const publicKeys = /LICENCE_PUBLIC_KEYS=(\S+)/.exec(keygen)?.[1];
  if (!publicKeys) throw new Error(`sa-licence keygen printed no public key: ${keygen}`);

  const ami = await AmiTestServer.start();
  const envs = serviceEnvs(prefix, workDir, publicKeys, ami, options);
  const echo = options.echo ?? false;
  const services = {} as Record<ServiceName, ServiceProcess>;
  try {
    // admin first: it creates the snapshot buckets' content (devices, key ring, user configs)
    for (const name of ['admin', 'ami-bridge', 'router', 'ingest'] as const) {
      services[name] = await startService(name, { env: envs[name], echo, timeoutMs: 30_000 });
    }
  } catch (err) {
    await Promise.all(Object.values(services).map((s) => s.stop('SIGKILL')));
    await ami.stop();
    throw err;
  }
  const admin = await loginAdmin(services.admin.addresses.http!, 'admin', ADMIN_PASSWORD);
  const udp = services.ingest.addresses.udp!;
  const [host, port] = [udp.slice(0, udp.lastIndexOf(':')), Number(udp.slice(udp.lastIndexOf(':') + 1))];

  return {
    prefix,
    ami,
    services,
    admin,
    ingestUdp: { host, port },
    ingestHttp: services.ingest.addresses.http!,
    signLicence(deviceId, tier) {
      execFileSync(
        process.execPath,
        [
          licenceCli(),
          'sign',
          '--key',
          keyFile,
          '--device',
          deviceId,
          '--tier',
          tier,
          '--expires',
          '2099-12-31',
          '--out-dir',
          workDir,
        ],
        { encoding: 'utf8' },
      );
      return readFileSync(join(workDir, `lic-${deviceId}.lic`), 'utf8');
    },
    async restart(name) {
      await services[name].stop('SIGTERM');
      services[name] = await startService(name, { env: envs[name], echo, timeoutMs: 30_000 });
      return services[name];
    },
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop('SIGTERM')));
      await ami.stop();
      await cleanupPrefix(prefix);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Removes everything the stack left in NATS, Redis and Postgres under its prefix. */
export async function cleanupPrefix(prefix: string): Promise<void> {
  const logger = createLogger('e2e-cleanup', 'silent');
  const names = busNames(prefix);
  const nats = await connectNats(testUrls.nats, 'e2e-cleanup', logger);
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nats.nc);
  for await (const s of jsm.streams.list()) {
    if (s.config.name === names.phoneStream || s.config.name.startsWith(`KV_${names.prefix}_`)) {
      await jsm.streams.delete(s.config.name).catch(() => {});
    }
  }
  await nats.close();
  const redis = await connectRedis(testUrls.redis, logger);
  await deleteRedisKeys(redis.redis, `*${prefix}*`);
  await redis.close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: testUrls.postgres });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${prefix}" CASCADE`);
  await client.end();
}

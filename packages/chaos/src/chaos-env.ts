// Each service's environment on the chaos system: every service on all three NATS nodes with
// replicas 3, the ones that use Redis on the Sentinel set-up, both admins on the private Postgres,
// both ami-bridges on the AMI test server as one PBX (active/standby), both routers sharing two
// partitions; router and ami-bridge on a lease of `leaseMs`.
import { join } from 'node:path';
import { ADMIN_PASSWORD } from '@sa/e2e';
import type { ServiceName } from '@sa/testkit';

export interface Infrastructure {
  readonly natsUrl: string;
  readonly sentinels: string;
  readonly sentinelName: string;
  readonly databaseUrl: string;
  readonly amiPort: number;
  readonly amiUsername: string;
  readonly amiSecret: string;
  readonly prefix: string;
  readonly workDir: string;
  /** router's and ami-bridge's lease (ms): a SIGKILLed owner is replaced within about 4/3 of it */
  readonly leaseMs: number;
}

export const ROUTER_PARTITIONS = 2;
const ACK_WAIT_MS = 2000;

const rateLimitsOff = {
  // every phone sends from 127.0.0.1
  RATE_LIMIT_IP_PER_SEC: '1000000000',
  RATE_LIMIT_IP_BURST: '1000000000',
  RATE_LIMIT_DEVICE_PER_SEC: '20',
  RATE_LIMIT_DEVICE_BURST: '40',
};

export function serviceEnv(
  name: ServiceName,
  infra: Infrastructure,
  instance: number,
): Record<string, string> {
  const common = {
    NATS_URL: infra.natsUrl,
    NATS_REPLICAS: '3',
    SA_BUS_PREFIX: infra.prefix,
    LOG_LEVEL: 'info',
  };
  const redis = {
    // '' counts as unset: REDIS_URL and REDIS_SENTINELS are exclusive
    REDIS_URL: '',
    REDIS_SENTINELS: infra.sentinels,
    REDIS_SENTINEL_NAME: infra.sentinelName,
    REDIS_KEY_PREFIX: infra.prefix,
  };
  switch (name) {
    case 'admin':
      return {
        ...common,
        DATABASE_URL: infra.databaseUrl,
        DATABASE_SCHEMA: infra.prefix,
        ADMIN_PORT: '0',
        ADMIN_PASSWORD,
        ADMIN_KEK_FILE: join(infra.workDir, 'admin.kek'),
      };
    case 'ingest':
      return { ...common, ...redis, INGEST_HOST: '127.0.0.1', INGEST_PORT: '0', ...rateLimitsOff };
    case 'router':
      return {
        ...common,
        ...redis,
        ROUTER_PARTITIONS: String(ROUTER_PARTITIONS),
        ROUTER_LEASE_MS: String(infra.leaseMs),
        ROUTER_INSTANCE_ID: `chaos-router-${instance}`,
        // events a router had been given but not acknowledged when it died or lost its partition
        // come again after this (default 10 s): the new owner gets them within the resync bound
        ROUTER_ACK_WAIT_MS: String(ACK_WAIT_MS),
        HYSTERESIS_REPORTS: '1',
        // the chaos run checks targets against reports, not staleness: no phone goes stale in it
        PRESENCE_TIMEOUT_S: '86400',
      };
    case 'ami-bridge':
      return {
        ...common,
        ...redis,
        AMI_HOST: '127.0.0.1',
        AMI_PORT: String(infra.amiPort),
        AMI_USERNAME: infra.amiUsername,
        AMI_SECRET: infra.amiSecret,
        AMI_BRIDGE_HA: 'true',
        AMI_BRIDGE_PBX_ID: 'chaos-pbx',
        AMI_BRIDGE_LEASE_MS: String(infra.leaseMs),
        AMI_RECONNECT_MAX_MS: '500',
      };
  }
}

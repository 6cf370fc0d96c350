// Whether this bridge runs the active bridge: always (a single bridge, the default), or only while it
// holds the PBX's Redis lease (AMI_BRIDGE_HA=true; see ha-role.ts and docs/operations.md).
import { connectRedis, type HealthReport, type Logger } from '@sa/platform';
import { bridgeLeaseKey, RedisBridgeLease } from '../adapters/redis/bridge-lease.js';
import type { AmiBridgeConfig } from '../config.js';
import { type ActiveBridge, type BridgeRole, HaRoleLoop } from './ha-role.js';

export interface BridgeRoleControl {
  role(): BridgeRole;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** the lease store's health (HA only) */
  readonly redisHealth?: () => HealthReport;
}

export async function buildBridgeRole(
  config: AmiBridgeConfig,
  logger: Logger,
  bridgeId: string,
  activate: () => Promise<ActiveBridge>,
): Promise<BridgeRoleControl> {
  if (!config.AMI_BRIDGE_HA) return singleBridge(activate);
  const redis = await connectRedis(config, logger);
  const key = bridgeLeaseKey(config.REDIS_KEY_PREFIX ?? config.SA_BUS_PREFIX, config.PBX_ID);
  const loop = new HaRoleLoop({
    lease: new RedisBridgeLease(redis.redis, key, bridgeId),
    leaseMs: config.AMI_BRIDGE_LEASE_MS,
    activate,
    logger: logger.child({ component: 'ha', lease: key, bridgeId }),
  });
  redis.onFailover(() => loop.redisFailedOver());
  return {
    role: () => loop.role,
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      await redis.close();
    },
    redisHealth: redis.health,
  };
}

function singleBridge(activate: () => Promise<ActiveBridge>): BridgeRoleControl {
  let active: ActiveBridge | undefined;
  let role: BridgeRole = 'standby';
  return {
    role: () => role,
    async start() {
      active = await activate();
      role = 'active';
    },
    async stop() {
      role = 'stopped';
      await active?.stop();
    },
  };
}

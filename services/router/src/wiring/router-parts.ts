// Router's parts, built once and handed to each other: the state store, AstDB writes, the users'
// rules, the decision core, the partitions this instance owns (and their leases), the liveness
// sweep of quiet devices, the Follow-Me guard, and the decision views.
import type { Logger, Registry } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { KvUserConfigWatcher } from '../adapters/nats/user-config-watcher.js';
import { routerKeys } from '../adapters/redis/keys.js';
import { RedisPartitionLeases } from '../adapters/redis/partition-leases.js';
import { RedisUserStateStore } from '../adapters/redis/redis-user-state-store.js';
import type { RouterConfig } from '../config.js';
import type { EngineSettings, RouterEvent } from '../domain/types.js';
import { AmiResync } from '../routing/ami-resync.js';
import type { FollowMeGuard } from '../routing/followme-guard.js';
import { LivenessSweep } from '../routing/liveness-sweep.js';
import { PartitionManager } from '../routing/partition-manager.js';
import { OwnedStateCache } from '../routing/state-cache.js';
import { astDbWiring, followMeSettings } from './astdb-wiring.js';
import { decisionViews } from './decision-views.js';
import { decisionWiring } from './decision-wiring.js';
import { followMeGuardFor } from './followme-wiring.js';
import { OwnedPartitions } from './owned-partitions.js';
import type { RouterBus } from './router-bus.js';
import type { RouterMetrics } from './router-metrics.js';

/** a configuration change: every device is placed afresh from its last report (scenario engine) */
const RULES_CHANGED: readonly RouterEvent[] = [{ kind: 'rules_changed' }];

export function routerParts(d: {
  config: RouterConfig;
  names: BusNames;
  bus: RouterBus;
  settings: EngineSettings;
  metrics: RouterMetrics;
  registry: Registry;
  clock: () => number;
  logger: Logger;
}) {
  const { config, bus, settings, metrics, logger } = d;
  const keys = routerKeys(config.redisKeyPrefix);
  const store = new RedisUserStateStore(bus.redis.redis, keys, {
    callLogLength: config.CALL_LOG_LENGTH,
    callLogTtlS: config.CALL_LOG_TTL_S,
  });
  const common = { config, names: d.names, store, clock: d.clock, logger };
  const followMe = followMeSettings(config);
  let followMeGuard: FollowMeGuard | null = null;
  const astdb = astDbWiring({
    ...common,
    nc: bus.live.nc,
    followMe,
    knownExtensions: () => followMeGuard?.known() ?? null,
    metrics,
  });
  const { sync } = astdb;
  const amiResync = new AmiResync({ sync, logger: logger.child({ component: 'ami-resync' }) });
  const cache = new OwnedStateCache(config.ROUTER_PARTITIONS);
  const rules = new KvUserConfigWatcher(bus.users, logger.child({ component: 'users' }), (ext) => {
    partitions.reevaluate([ext], RULES_CHANGED).catch((err) => logger.warn({ err }, 're-evaluate failed'));
  });
  const wiring = { ...common, rules, settings, cache, sync, metrics };
  const core = decisionWiring({ ...wiring, nc: bus.live.nc, redis: bus.redis.redis, ringing: astdb.ringing });
  const partitions = new OwnedPartitions({
    ...wiring,
    nc: bus.nats.nc,
    processor: core.processor,
    amiResync,
  });
  const manager = new PartitionManager({
    leases: new RedisPartitionLeases(bus.redis.redis, keys, config.instanceId),
    partitions: config.ROUTER_PARTITIONS,
    leaseMs: config.ROUTER_LEASE_MS,
    logger,
    start: partitions.start,
  });
  // the old primary's last writes (users' states) may be gone: read them again and replay the phone
  // stream's recent events over them
  bus.redis.onFailover(() => void manager.restartAll('redis failover'));
  followMeGuard = followMeGuardFor({
    ...common,
    nc: bus.live.nc,
    commander: astdb.commander,
    sync,
    followMe,
    owned: () => partitions.owned(rules.extensions()),
    registry: d.registry,
  });
  const decisions = decisionViews({ store, rules, settings, clock: d.clock, followMe: () => followMeGuard });
  const livenessSweep = core.quiet ? livenessSweepOf(core.quiet, partitions, d) : null;
  return { ...astdb, amiResync, rules, core, manager, partitions, livenessSweep, followMeGuard, decisions };
}

/** quiet devices' presence timeouts: one scan per sweep instead of a wake-up per device */
function livenessSweepOf(
  quiet: ConstructorParameters<typeof LivenessSweep>[0]['quiet'],
  partitions: OwnedPartitions,
  d: { config: RouterConfig; settings: EngineSettings; clock: () => number; logger: Logger },
): LivenessSweep {
  return new LivenessSweep({
    quiet,
    clock: d.clock,
    presenceTimeoutMs: d.settings.presenceTimeoutMs,
    intervalMs: d.config.ROUTER_SWEEP_MS,
    owns: (ext) => partitions.owns(ext),
    reevaluate: (exts) => partitions.reevaluate(exts),
    logger: d.logger.child({ component: 'liveness-sweep' }),
  });
}

// The routing core's two entries: the DecisionProcessor (phone events and re-evaluations, in
// partition batches) and the CallDesk (calls), with change-driven presence when QUIET_PRESENCE is on
// (quiet marks written latest-wins; liveness merged before each decision).
import type { Logger } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { NatsCallRoutedPublisher } from '../adapters/nats/call-routed-publisher.js';
import { NatsDeviceReportPublisher } from '../adapters/nats/device-report-publisher.js';
import { RedisQuietPresence } from '../adapters/redis/redis-quiet-presence.js';
import type { RouterConfig } from '../config.js';
import type { EngineSettings } from '../domain/types.js';
import type { AstDbSync } from '../routing/astdb-sync.js';
import { CallDesk } from '../routing/call-desk.js';
import { DecisionProcessor } from '../routing/decision-processor.js';
import type { RulesSource, UserStateStore } from '../routing/ports.js';
import { QuietPublisher } from '../routing/quiet-publisher.js';
import type { RingingRedirector } from '../routing/ringing-redirector.js';
import type { OwnedStateCache } from '../routing/state-cache.js';
import type { RouterMetrics } from './router-metrics.js';

type NatsConnection = ConstructorParameters<typeof NatsDeviceReportPublisher>[0];
type Redis = ConstructorParameters<typeof RedisQuietPresence>[0];

export function decisionWiring(d: {
  config: RouterConfig;
  names: BusNames;
  nc: NatsConnection;
  redis: Redis;
  store: UserStateStore;
  rules: RulesSource;
  settings: EngineSettings;
  cache: OwnedStateCache;
  sync: AstDbSync;
  ringing: RingingRedirector | null;
  metrics: Pick<RouterMetrics, 'decisionChanges' | 'callDecision'>;
  clock: () => number;
  logger: Logger;
}) {
  const { settings, logger } = d;
  const quiet = d.config.QUIET_PRESENCE
    ? new RedisQuietPresence(d.redis, d.config.SA_BUS_PREFIX, {
        visibleRssiMinDbm: settings.visibleRssiThresholdDbm,
        maxVisible: settings.maxVisibleRemembered,
      })
    : null;
  const quietOut = quiet
    ? new QuietPublisher({ quiet, logger: logger.child({ component: 'quiet-presence' }) })
    : null;
  const processor = new DecisionProcessor({
    ...(quiet && quietOut && { quiet, quietOut }),
    store: d.store,
    rules: d.rules,
    effects: {
      push: (ext, p, decision) => {
        d.metrics.decisionChanges.inc();
        d.sync.push(ext, p, decision);
        d.ringing?.targetChanged(ext, decision);
      },
    },
    // every applied presence report, scenario changed or not: the console's board and last seen
    reports: new NatsDeviceReportPublisher(
      d.nc,
      d.names,
      settings.presenceTimeoutMs,
      logger.child({ component: 'device-reports' }),
    ),
    settings,
    clock: d.clock,
    logger,
    cache: d.cache,
  });
  const calls = new CallDesk({
    store: d.store,
    rules: d.rules,
    settings,
    clock: d.clock,
    logger: logger.child({ component: 'calls' }),
    onAnswered: (ms) => d.metrics.callDecision.observe(ms / 1000),
    cache: d.cache,
    ...(quiet && { quiet }),
    routed: new NatsCallRoutedPublisher(d.nc, d.names, logger.child({ component: 'call-history' })),
  });
  return { quiet, quietOut, processor, calls };
}

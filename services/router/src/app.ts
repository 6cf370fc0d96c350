// Composition root: connects, builds router's parts once (wiring/router-parts.ts) and returns
// start/stop, which bring the parts up and down in dependency order.
import {
  buildOpsApp,
  createMetricsRegistry,
  HealthRegistry,
  type Logger,
  type ServiceApp,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { queryAmiStatus } from './adapters/nats/ami-status-query.js';
import { configWarnings, type RouterConfig } from './config.js';
import { followBus } from './wiring/bus-handlers.js';
import { engineSettings } from './wiring/engine-settings.js';
import { connectRouterBus } from './wiring/router-bus.js';
import { routerMetrics } from './wiring/router-metrics.js';
import { routerParts } from './wiring/router-parts.js';
import { untilIdle } from './wiring/until-idle.js';

export { engineSettings };

export interface RouterAppOptions {
  /** the routing clock (scenario windows, expiries, timeouts); tests inject one to cross an edge */
  readonly clock?: () => number;
}

export async function buildRouterApp(
  config: RouterConfig,
  logger: Logger,
  options: RouterAppOptions = {},
): Promise<ServiceApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const settings = engineSettings(config);
  const clock = options.clock ?? (() => Date.now());
  for (const warning of configWarnings(config)) logger.warn({ event: 'config_warning' }, warning);
  const health = new HealthRegistry();
  const registry = createMetricsRegistry('router');
  const metrics = routerMetrics(registry);
  const bus = await connectRouterBus(config, names, health, logger);
  const parts = routerParts({ config, names, bus, settings, metrics, registry, clock, logger });
  const { rules, manager, amiResync, sync, core } = parts;
  const ops = buildOpsApp({
    health,
    metrics: registry,
    logger,
    readinessDetails: () => ({ partitions: manager.ownedPartitions() }),
  });
  parts.decisions.route(ops);
  let unfollow: () => void = () => {};

  return {
    async start() {
      await rules.start();
      parts.followMeGuard?.start();
      await manager.start();
      parts.livenessSweep?.start();
      unfollow = followBus({
        nc: bus.live.nc,
        names,
        calls: core.calls,
        ringing: parts.ringing,
        amiResync,
        current: parts.decisions.current,
        unstored: {
          owns: (ext) => parts.partitions.owns(ext),
          apply: (batch) => parts.partitions.applyEvents(batch),
          onApplied: (n) => metrics.unstoredEvents.inc(n),
        },
        logger,
      });
      // AmiConnected is subscribed (and on the server) before ami-bridge is asked: see AmiResync
      await bus.live.nc.flush();
      const askAmiStatus = () => queryAmiStatus(bus.live.nc, names, config.AMI_COMMAND_TIMEOUT_MS);
      await amiResync.handshake(askAmiStatus);
      // an AmiConnected sent while this connection was down is lost: ask again after a reconnect
      bus.live.onReconnect(() => void amiResync.afterBusReconnect(askAmiStatus));
      const address = await ops.listen({ host: config.OPS_HOST, port: config.OPS_PORT });
      logger.info(
        { event: 'listening', ops: address, partitions: manager.ownedPartitions(), users: rules.size },
        `router listening (ops ${address})`,
      );
    },
    async stop(reason) {
      logger.info({ reason }, 'router stopping');
      unfollow();
      await parts.followMeGuard?.stop();
      await ops.close();
      await parts.livenessSweep?.stop();
      await manager.stop();
      // writes in flight get a second to land; what is left is retried by the next owner
      await untilIdle(core.quietOut?.idle(), 1000);
      core.quietOut?.stop();
      rules.stop();
      await untilIdle(sync.idle(), 1000);
      sync.stop();
      parts.commander.close();
      await bus.close();
    },
  };
}

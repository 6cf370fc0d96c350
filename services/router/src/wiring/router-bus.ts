// Router's connections: NATS twice (the phone stream's deliveries on one, calls, AMI commands and
// ScenarioChanged on the other), Redis once; each in the health registry. The phone stream and the
// users bucket are bound here: router's bus user may read no other bucket (never the key material).
import {
  connectNats,
  connectRedis,
  ensurePhoneStream,
  type HealthRegistry,
  type Logger,
  openUsersBucket,
} from '@sa/platform';
import type { BusNames } from '@sa/proto';
import type { RouterConfig } from '../config.js';

export async function connectRouterBus(
  config: RouterConfig,
  names: BusNames,
  health: HealthRegistry,
  logger: Logger,
) {
  const nats = await connectNats(config, `router-${config.instanceId}`, logger);
  const redis = await connectRedis(config, logger);
  // On the consumer's connection calls queued behind thousands of JetStream deliveries (head-of-line
  // blocking on one TCP stream): that is what call latency measured while a backlog drained.
  const live = await connectNats(config, `router-${config.instanceId}-live`, logger);
  health.add('nats', nats.health);
  health.add('nats-live', live.health);
  health.add('redis', redis.health);
  const bus = { replicas: config.NATS_REPLICAS, logger };
  await ensurePhoneStream(nats.nc, names, bus);
  const users = await openUsersBucket(nats.nc, names, bus);
  return {
    nats,
    live,
    redis,
    users,
    async close(): Promise<void> {
      await live.close();
      await nats.close();
      await redis.close();
    },
  };
}

export type RouterBus = Awaited<ReturnType<typeof connectRouterBus>>;

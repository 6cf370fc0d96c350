// Ingest's connections and the JetStream objects it needs, opened in start-up order (NATS, then
// Redis, then the phone stream and snapshot buckets); each connection reports to the health registry.
import {
  connectNats,
  connectRedis,
  ensurePhoneStream,
  type HealthRegistry,
  type Logger,
  type NatsClient,
  openDeviceKeysBucket,
  openSnapshotBuckets,
  type RedisClient,
} from '@sa/platform';
import type { BusNames } from '@sa/proto';
import type { IngestConfig } from '../config.js';

export interface IngestBus {
  readonly nats: NatsClient;
  readonly redis: RedisClient;
  readonly buckets: Awaited<ReturnType<typeof openSnapshotBuckets>> & {
    readonly deviceKeys: Awaited<ReturnType<typeof openDeviceKeysBucket>>;
  };
  /** drains NATS, then closes Redis */
  close(): Promise<void>;
}

export async function connectIngestBus(
  config: IngestConfig,
  names: BusNames,
  logger: Logger,
  health: HealthRegistry,
): Promise<IngestBus> {
  const nats = await connectNats(config, 'ingest', logger);
  health.add('nats', () => nats.health());
  let redis: RedisClient;
  try {
    redis = await connectRedis(config, logger);
  } catch (err) {
    await nats.close(); // a half-built app must not keep the process alive
    throw err;
  }
  health.add('redis', () => redis.health());
  const bus = { replicas: config.NATS_REPLICAS, logger };
  await ensurePhoneStream(nats.nc, names, bus);
  const buckets = {
    ...(await openSnapshotBuckets(nats.nc, names, bus)),
    deviceKeys: await openDeviceKeysBucket(nats.nc, names, bus),
  };
  return {
    nats,
    redis,
    buckets,
    async close() {
      await nats.close();
      await redis.close();
    },
  };
}

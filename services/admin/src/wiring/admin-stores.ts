// Admin's connections, opened in start-up order: Postgres (and its migrations), then NATS and the
// KV buckets admin writes; each connection reports to the health registry. A failure closes what
// was already open, so a half-built app does not keep the process alive.
import {
  connectNats,
  connectPostgres,
  type HealthRegistry,
  type Logger,
  type NatsClient,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  type PostgresClient,
} from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { runMigrations } from '../adapters/pg/migrate.js';
import type { AdminConfig } from '../config.js';

export interface AdminStores {
  readonly pg: PostgresClient;
  readonly nats: NatsClient;
  readonly buckets: Awaited<ReturnType<typeof openSnapshotBuckets>>;
  readonly deviceKeysBucket: Awaited<ReturnType<typeof openDeviceKeysBucket>>;
  readonly radiusClientsBucket: Awaited<ReturnType<typeof openRadiusClientsBucket>>;
}

export async function connectAdminStores(
  config: AdminConfig,
  names: BusNames,
  logger: Logger,
  health: HealthRegistry,
): Promise<AdminStores> {
  // connect (and fail with one line naming DATABASE_URL) before the migration runner, whose own
  // connection error is a multi-line dump
  const pg = await connectPostgres(config.DATABASE_URL, logger, {
    searchPath: config.DATABASE_SCHEMA,
    max: config.ADMIN_PG_POOL_MAX,
  });
  await runMigrations(config.DATABASE_URL, config.DATABASE_SCHEMA, logger).catch(async (err) => {
    await pg.close();
    throw err;
  });
  const nats = await connectNats(config, 'admin', logger).catch(async (err) => {
    await pg.close();
    throw err;
  });
  health.add('postgres', () => pg.health());
  health.add('nats', () => nats.health());
  const bus = { replicas: config.NATS_REPLICAS, logger };
  const buckets = await openSnapshotBuckets(nats.nc, names, bus);
  const deviceKeysBucket = await openDeviceKeysBucket(nats.nc, names, bus);
  const radiusClientsBucket = await openRadiusClientsBucket(nats.nc, names, bus);
  return { pg, nats, buckets, deviceKeysBucket, radiusClientsBucket };
}

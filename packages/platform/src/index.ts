export {
  type BusOptions,
  CREATE_WAIT_MS,
  deleteBusStreams,
  ensurePhoneStream,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  openUsersBucket,
  type PhoneStreamOptions,
  type SnapshotBuckets,
} from './bus-setup.js';
export { commonEnv, type Env, env, type HostPort, loadConfig, parseHostPort, redisEnv } from './config.js';
export { catalogueProblems, codesUsedIn, defineErrors, type ErrorSpec } from './error-catalogue.js';
export {
  AppError,
  BusNotCreatedError,
  BusReplicasError,
  ConfigError,
  DependencyUnavailableError,
  dependencyHint,
  redactUrl,
} from './errors.js';
export { type HealthCheck, HealthRegistry, type HealthReport, type HealthStatus } from './health.js';
export { createLogger, type Logger } from './logger.js';
export { Counter, createMetricsRegistry, Gauge, Histogram, type Registry } from './metrics.js';
export {
  connectionInbox,
  connectNats,
  inboxPrefixFor,
  type NatsClient,
  type NatsConnection,
  type NatsSettings,
} from './nats.js';
export { buildOpsApp, type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.js';
export { parsePartitionDurable, partitionDurable, partitionOf } from './partitioning.js';
export { connectPostgres, type Pool, type PoolClient, type PostgresClient } from './postgres.js';
export {
  decodePending,
  decodeQuiet,
  encodePending,
  encodeQuiet,
  type FingerprintSettings,
  livenessMember,
  PENDING_TTL_MS,
  parseLivenessMember,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  quietTombstone,
} from './quiet-presence.js';
export {
  connectRedis,
  Redis,
  type RedisClient,
  type RedisMode,
  type RedisSettings,
  redisMode,
} from './redis.js';
export { type OwnedLeases, ownedLeases } from './redis-lease.js';
export { type RunServiceOptions, runService, type ServiceApp } from './service-runner.js';

// ingest's environment: every variable it reads, with defaults next to the type.
import { commonEnv, env, loadConfig, redisEnv } from '@sa/platform';
import { z } from 'zod';

export const ingestEnvSchema = z.object({
  ...commonEnv,
  OPS_PORT: env.port(9101),
  /** UDP and HTTP listen on the same port number */
  INGEST_HOST: env.host('0.0.0.0'),
  INGEST_PORT: env.port(8080),
  ...redisEnv,
  /**
   * prefix of every Redis key; must not contain "{" (keys are hash-tagged per device). Unset:
   * `<SA_BUS_PREFIX>:ingest:`, so two installations sharing a Redis never share replay state.
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[^{}\s]{0,64}$/, 'must be up to 64 characters without braces or spaces')
    .optional(),
  /** comma-separated IPs or CIDRs whose X-Forwarded-For is believed */
  TRUSTED_PROXIES: z.string().default(''),
  TIMESTAMP_WINDOW_MS: env.positiveInt(120_000),
  /** counters more than this below the highest accepted one are rejected outright (docs/protocol.md section 6) */
  REPLAY_WINDOW: env.positiveInt(1024),
  RATE_LIMIT_IP_PER_SEC: env.positiveInt(100),
  RATE_LIMIT_IP_BURST: env.positiveInt(200),
  RATE_LIMIT_DEVICE_PER_SEC: env.positiveInt(2),
  RATE_LIMIT_DEVICE_BURST: env.positiveInt(10),
  /** bound on the per-IP rate-limit table (least recently used are evicted); per-device buckets
   *  live in the device directory's slots, bounded by the registered devices */
  RATE_LIMIT_TABLE_SIZE: env.positiveInt(100_000),
  /**
   * change-driven presence: a report router marked unchanged is answered after recording its
   * liveness in Redis, without a bus message (docs/performance.md). Off: every report is published.
   */
  QUIET_PRESENCE: env.bool(true),
  /**
   * with QUIET_PRESENCE: a report that repeats its device's published one router has still to apply
   * is answered without a bus message too (router's acknowledged floors, docs/performance.md). Off:
   * such repeats are published, as before 2026-12-07.
   */
  QUIET_WHILE_BEHIND: env.bool(true),
  ADMIN_TIMEOUT_MS: env.positiveInt(2000),
  /** JetStream publishes awaiting their ack; packets beyond it wait, then are dropped */
  PUBLISH_MAX_INFLIGHT: env.positiveInt(1024),
  /** packets being processed at once; beyond it datagrams are dropped (counted) */
  MAX_PENDING_PACKETS: env.positiveInt(8192),
  /** rejection log lines per second per source address and transport, burst 2x (the counter still
   *  counts every rejection) */
  REJECT_LOG_PER_SEC: env.positiveInt(20),
  /** rejection log lines per second per transport over all addresses, burst 2x: bounds the log when
   *  many (or forged) addresses flood at once */
  REJECT_LOG_TOTAL_PER_SEC: env.positiveInt(100),
  /** bound on the per-address log limiter's table (last half of it in distinct addresses remembered) */
  REJECT_LOG_TABLE_SIZE: env.positiveInt(10_000),
  UDP_RECV_BUFFER_BYTES: env.positiveInt(8 * 1024 * 1024),
  /** RADIUS accounting (RFC 2866) listener, docs/radius.md: UDP port (usually 1813); unset or empty = off */
  RADIUS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be 0..65535')
      .max(65535, 'must be 0..65535')
      .optional(),
  ),
  RADIUS_HOST: env.host('0.0.0.0'),
  /** authenticated accounting requests per second per source address (an AP, or a controller for all its APs), burst below */
  RADIUS_RATE_LIMIT_PER_SEC: env.positiveInt(200),
  RADIUS_RATE_LIMIT_BURST: env.positiveInt(1000),
  /** how long an answered accounting request is remembered to recognise its retransmissions */
  RADIUS_DEDUPE_MS: env.positiveInt(60_000),
  /** how long start() waits for the first devices/keys snapshot */
  SNAPSHOT_WAIT_MS: env.positiveInt(30_000),
});

export type IngestConfig = Readonly<z.infer<typeof ingestEnvSchema> & { REDIS_KEY_PREFIX: string }>;

export function loadIngestConfig(source?: Record<string, string | undefined>): IngestConfig {
  const c = loadConfig(ingestEnvSchema, source);
  return { ...c, REDIS_KEY_PREFIX: c.REDIS_KEY_PREFIX ?? `${c.SA_BUS_PREFIX}:ingest:` };
}

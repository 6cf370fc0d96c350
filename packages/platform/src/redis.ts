// Redis client factory: one server, a Sentinel-watched primary or a Redis Cluster (ioredis' own
// support for each, chosen by redisEnv), a named error at start-up, then reconnects with the
// platform's backoff policy as ioredis' retry strategy.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { type BackoffPolicy, backoffDelayMs } from './backoff-policy.js';
import type { HostPort } from './config.js';
import { DependencyUnavailableError, redactUrl } from './errors.js';
import type { HealthReport } from './health.js';
import type { Logger } from './logger.js';
import { watchSentinelSwitch } from './sentinel-switch-watch.js';

export { Redis } from 'ioredis';

export type RedisMode = 'single' | 'sentinel' | 'cluster';

/** The redisEnv settings (config.ts); a bare string is a REDIS_URL. */
export interface RedisSettings {
  readonly REDIS_URL: string;
  readonly REDIS_SENTINELS?: readonly HostPort[] | undefined;
  readonly REDIS_SENTINEL_NAME?: string | undefined;
  readonly REDIS_SENTINEL_PASSWORD?: string | undefined;
  readonly REDIS_CLUSTER_NODES?: readonly HostPort[] | undefined;
  readonly REDIS_PASSWORD?: string | undefined;
}

export interface RedisClient {
  /**
   * In cluster mode an ioredis Cluster, typed as Redis: it has the same commands, scripts and
   * pipelines, but every multi-key command, script and pipeline must stay within one hash slot.
   */
  readonly redis: Redis;
  readonly mode: RedisMode;
  /**
   * Runs after a Sentinel failover moved the client to the new primary (sentinel mode only). The
   * old primary's last writes may be gone: what must not lose them writes them again from its source.
   */
  onFailover(listener: () => void): void;
  health(): HealthReport;
  close(): Promise<void>;
}

export function redisMode(s: RedisSettings): RedisMode {
  if (s.REDIS_CLUSTER_NODES?.length) return 'cluster';
  if (s.REDIS_SENTINELS?.length) return 'sentinel';
  return 'single';
}

const list = (nodes: readonly HostPort[]) =>
  nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');

/** What to connect to, for logs and errors: never a password. */
function describe(s: RedisSettings, mode: RedisMode): { envVar: string; where: string; hint: string } {
  if (mode === 'cluster')
    return {
      envVar: 'REDIS_CLUSTER_NODES',
      where: `cluster ${list(s.REDIS_CLUSTER_NODES!)}`,
      hint: 'start the cluster or list reachable nodes in REDIS_CLUSTER_NODES',
    };
  if (mode === 'sentinel')
    return {
      envVar: 'REDIS_SENTINELS',
      where: `sentinels ${list(s.REDIS_SENTINELS!)} (primary "${s.REDIS_SENTINEL_NAME}")`,
      hint: 'start the sentinels, or check REDIS_SENTINELS and that they monitor REDIS_SENTINEL_NAME',
    };
  return {
    envVar: 'REDIS_URL',
    where: redactUrl(s.REDIS_URL),
    hint: 'start it with `redis-server` or point REDIS_URL at a running server',
  };
}

/** ioredis counts retries from 1: 100 ms doubling to 2 s, equal jitter (reconnecting clients spread out). */
const REDIS_RECONNECT: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 2000, jitter: 0.5 };
const backoff = (times: number) => backoffDelayMs(REDIS_RECONNECT, times - 1);

const COMMON: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 3000,
  maxRetriesPerRequest: 3,
  enableAutoPipelining: true,
  retryStrategy: backoff,
};

/**
 * `started()` false: the sentinels or cluster nodes are being reached for the first time, and a
 * failure to reach any of them ends the start with an error instead of retrying forever.
 */
function createClient(s: RedisSettings, mode: RedisMode, started: () => boolean): Redis {
  const password = s.REDIS_PASSWORD ? { password: s.REDIS_PASSWORD } : {};
  const retry = (times: number) => (started() ? backoff(times) : null);
  if (mode === 'cluster') {
    const cluster = new Cluster(
      s.REDIS_CLUSTER_NODES!.map((n) => ({ host: n.host, port: n.port })),
      {
        lazyConnect: true,
        enableAutoPipelining: true,
        clusterRetryStrategy: retry,
        slotsRefreshTimeout: 2000,
        redisOptions: { ...COMMON, ...password },
      },
    );
    // same command surface; the slot rule is documented on RedisClient.redis
    return cluster as unknown as Redis;
  }
  if (mode === 'sentinel')
    return new Redis({
      ...COMMON,
      ...password,
      sentinels: s.REDIS_SENTINELS!.map((n) => ({ host: n.host, port: n.port })),
      name: s.REDIS_SENTINEL_NAME!,
      ...(s.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: s.REDIS_SENTINEL_PASSWORD } : {}),
      sentinelRetryStrategy: retry,
      // A failover closes the clients of the demoted primary (the sentinels' CLIENT KILL) and a dead
      // one closes them anyway: the client reconnects and asks the sentinels again. Should it still
      // reach a demoted primary, its writes get READONLY: reconnect the same way and resend.
      // A promotion is also followed at once, before the old primary is demoted:
      // sentinel-switch-watch.ts.
      reconnectOnError: (err) => (/READONLY/.test(err.message) ? 2 : false),
    });
  // the URL's own password wins over REDIS_PASSWORD (ioredis fills options only where the URL is silent)
  return new Redis(s.REDIS_URL, { ...COMMON, ...password });
}

/**
 * A client that ends without close() (ioredis gives up on some failover races, see primaryFollower)
 * would fail every later command for the life of the service: it is started again, with backoff.
 */
function reviveWhenEnded(redis: Redis, log: Logger, closing: () => boolean): void {
  let ends = 0;
  redis.on('end', () => {
    if (closing()) return;
    ends += 1;
    log.error({ event: 'redis_client_ended' }, 'redis client ended unexpectedly: connecting again');
    setTimeout(() => {
      if (!closing()) redis.connect().catch(() => {});
    }, backoff(ends)).unref();
  });
  redis.on('ready', () => {
    ends = 0;
  });
}

/**
 * Moves a sentinel-mode client to the primary the sentinels just announced: a ready connection to
 * any other server is dropped, and ioredis reconnects through the sentinels and resends what was
 * unanswered. A connection still being set up is checked once it is ready instead: dropping it while
 * ioredis asks the sentinels for the primary ends the client for good ("Connection is closed" for
 * every later command).
 */
function primaryFollower(redis: Redis): (primary: string) => void {
  let announced: string | null = null;
  const check = () => {
    const stream = redis.stream;
    const connectedTo = stream ? `${stream.remoteAddress}:${stream.remotePort}` : null;
    if (announced && connectedTo !== announced) redis.disconnect(true);
    announced = null;
  };
  redis.on('ready', check);
  return (primary) => {
    announced = primary;
    if (redis.status === 'ready') check();
  };
}

export async function connectRedis(settings: string | RedisSettings, logger: Logger): Promise<RedisClient> {
  const s: RedisSettings = typeof settings === 'string' ? { REDIS_URL: settings } : settings;
  const mode = redisMode(s);
  const { envVar, where, hint } = describe(s, mode);
  const log = logger.child({ component: 'redis', mode });
  let started = false;
  const redis = createClient(s, mode, () => started);
  // reported through status events below, not as crashes; the first error explains a failed start
  // (a refused AUTH surfaces only here, connect() just says "Connection is closed")
  let firstError: unknown;
  redis.on('error', (err) => {
    firstError ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const cause = firstError ?? err;
    redis.disconnect();
    throw new DependencyUnavailableError('Redis', envVar, where, hint, { cause });
  }
  started = true;
  let closing = false;
  reviveWhenEnded(redis, log, () => closing);
  log.info({ where }, 'redis connected');
  redis.on('reconnecting', () => log.warn('redis reconnecting'));
  redis.on('ready', () => log.info('redis ready'));
  if (mode === 'cluster') {
    redis.on('+node', (node: Redis) =>
      log.info({ node: `${node.options.host}:${node.options.port}` }, 'redis node added'),
    );
    redis.on('-node', (node: Redis) =>
      log.warn({ node: `${node.options.host}:${node.options.port}` }, 'redis node removed'),
    );
  }
  const failoverListeners: (() => void)[] = [];
  const followPrimary = mode === 'sentinel' ? primaryFollower(redis) : null;
  const switchWatch =
    mode === 'sentinel'
      ? watchSentinelSwitch({
          sentinels: s.REDIS_SENTINELS!,
          name: s.REDIS_SENTINEL_NAME!,
          sentinelPassword: s.REDIS_SENTINEL_PASSWORD,
          retryStrategy: backoff,
          logger: log,
          onSwitch: (primary) => {
            followPrimary?.(primary);
            for (const listener of failoverListeners) listener();
          },
        })
      : null;
  return {
    redis,
    mode,
    onFailover: (listener) => failoverListeners.push(listener),
    health: () => ({ status: redis.status === 'ready' ? 'up' : 'down', detail: redis.status }),
    close: async () => {
      closing = true;
      switchWatch?.close();
      if (redis.status === 'end') return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

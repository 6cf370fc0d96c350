// Redis client factory: a named error at start-up, then ioredis' capped backoff.
import { Redis } from 'ioredis';
import { DependencyUnavailableError, redactUrl } from './errors.js';
import type { HealthReport } from './health.js';
import type { Logger } from './logger.js';

export { Redis } from 'ioredis';

export interface RedisClient {
  readonly redis: Redis;
  health(): HealthReport;
  close(): Promise<void>;
}

export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const log = logger.child({ component: 'redis' });
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000) + Math.floor(Math.random() * 100),
  });
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
    throw new DependencyUnavailableError(
      'Redis',
      'REDIS_URL',
      redactUrl(url),
      'start it with `redis-server` or point REDIS_URL at a running server',
      { cause },
    );
  }
  log.info('redis connected');
  redis.on('reconnecting', () => log.warn('redis reconnecting'));
  redis.on('ready', () => log.info('redis ready'));
  return {
    redis,
    health: () => ({ status: redis.status === 'ready' ? 'up' : 'down', detail: redis.status }),
    close: async () => {
      if (redis.status === 'end') return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

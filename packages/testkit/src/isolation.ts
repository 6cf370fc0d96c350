// Per-test isolation: every test gets its own bus prefix, Redis key prefix and Postgres schema.
import { randomBytes } from 'node:crypto';

export const testUrls = {
  nats: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test',
};

export function uniqueName(kind: string): string {
  return `t_${kind}_${randomBytes(4).toString('hex')}`;
}

/** The part of an ioredis client that deleteRedisKeys needs (testkit does not depend on ioredis). */
export interface RedisKeyScanner {
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key matching `pattern` (SCAN, not KEYS: does not block a shared Redis). */
export async function deleteRedisKeys(redis: RedisKeyScanner, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

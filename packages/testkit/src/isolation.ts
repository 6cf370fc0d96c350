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

// Partition ownership leases in Redis: SET NX PX to acquire (and INCR the partition's epoch, the
// fencing token every commit carries), compare-and-extend to renew, compare-and-delete to release.
import type { Redis } from '@sa/platform';
import type { RouterKeys } from './keys.js';

const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface LeaseRedis extends Redis {
  saRenew(key: string, owner: string, ttlMs: number): Promise<number>;
  saRelease(key: string, owner: string): Promise<number>;
}

export class RedisPartitionLeases {
  private readonly redis: LeaseRedis;

  constructor(
    redis: Redis,
    private readonly keys: RouterKeys,
    private readonly instanceId: string,
  ) {
    if (!('saRenew' in redis)) {
      redis.defineCommand('saRenew', { numberOfKeys: 1, lua: RENEW_LUA });
      redis.defineCommand('saRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    }
    this.redis = redis as LeaseRedis;
  }

  /** Returns the new epoch when acquired, null when someone else holds it. */
  async acquire(partition: number, ttlMs: number): Promise<number | null> {
    const ok = await this.redis.set(this.keys.lease(partition), this.instanceId, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return this.redis.incr(this.keys.epoch(partition));
  }

  async renew(partition: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.saRenew(this.keys.lease(partition), this.instanceId, ttlMs)) === 1;
  }

  async release(partition: number): Promise<void> {
    await this.redis.saRelease(this.keys.lease(partition), this.instanceId);
  }

  /** Heartbeat and count live instances (heartbeat within `aliveMs`). */
  async heartbeat(nowMs: number, aliveMs: number): Promise<number> {
    const [, , count] = (await this.redis
      .multi()
      .zadd(this.keys.instances, nowMs, this.instanceId)
      .zremrangebyscore(this.keys.instances, '-inf', nowMs - aliveMs)
      .zcard(this.keys.instances)
      .exec()) as [Error | null, unknown][];
    return Number(count?.[1] ?? 1);
  }

  async leave(): Promise<void> {
    await this.redis.zrem(this.keys.instances, this.instanceId);
  }
}

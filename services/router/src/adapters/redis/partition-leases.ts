// Partition ownership leases in Redis: SET NX PX to acquire (and INCR the partition's epoch, the
// fencing token every commit carries), renewed and released by their owner only (@sa/platform's
// ownedLeases).
import { type OwnedLeases, ownedLeases, type Redis } from '@sa/platform';
import type { RouterKeys } from './keys.js';

export class RedisPartitionLeases {
  private readonly leases: OwnedLeases;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RouterKeys,
    private readonly instanceId: string,
  ) {
    this.leases = ownedLeases(redis);
  }

  /** Returns the new epoch when acquired, null when someone else holds it. */
  async acquire(partition: number, ttlMs: number): Promise<number | null> {
    if (!(await this.leases.acquire(this.keys.lease(partition), this.instanceId, ttlMs))) return null;
    return this.redis.incr(this.keys.epoch(partition));
  }

  async renew(partition: number, ttlMs: number): Promise<boolean> {
    return this.leases.renew(this.keys.lease(partition), this.instanceId, ttlMs);
  }

  async release(partition: number): Promise<void> {
    await this.leases.release(this.keys.lease(partition), this.instanceId);
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

// A lease is one Redis key holding its owner's id with a TTL: taken with SET NX PX, renewed and
// released only by its owner (compare-and-extend, compare-and-delete in one Lua step each, so an
// expired lease someone else took is never extended or deleted). Router's partitions and
// ami-bridge's active role use it.
//
// A renewal that finds the key gone takes it again: after a Sentinel failover the new primary holds
// the lease with the TTL it had when it was promoted (the renewals of the next second went to the old
// primary), so it can expire before the owner's first renewal reaches it. Without this, every
// failover cost the active ami-bridge its AMI session and each router its partitions, and both
// then rewrote every user's target (the chaos test: 8.8 s behind). Taking a free lease is what any
// instance may do; one someone else took still fails. Router's writes stay fenced by the partition
// epoch, which only a new owner's acquire() bumps.
import type { Redis } from './redis.js';

const RENEW_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface LeaseRedis extends Redis {
  saLeaseRenew(key: string, owner: string, ttlMs: number): Promise<number>;
  saLeaseRelease(key: string, owner: string): Promise<number>;
}

export interface OwnedLeases {
  /** true: `owner` holds `key` now for `ttlMs` */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** true: still `owner`'s (or free, and taken again), extended by `ttlMs` */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** deletes `key` if `owner` holds it */
  release(key: string, owner: string): Promise<void>;
}

export function ownedLeases(client: Redis): OwnedLeases {
  if (!('saLeaseRenew' in client)) {
    client.defineCommand('saLeaseRenew', { numberOfKeys: 1, lua: RENEW_LUA });
    client.defineCommand('saLeaseRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
  }
  const redis = client as LeaseRedis;
  return {
    acquire: async (key, owner, ttlMs) => (await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK',
    renew: async (key, owner, ttlMs) => (await redis.saLeaseRenew(key, owner, ttlMs)) === 1,
    release: async (key, owner) => {
      await redis.saLeaseRelease(key, owner);
    },
  };
}

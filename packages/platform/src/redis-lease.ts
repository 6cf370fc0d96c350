// A lease is one Redis key holding its owner's id with a TTL: taken with SET NX PX, renewed and
// released only by its owner (compare-and-extend, compare-and-delete in one Lua step each, so an
// expired lease someone else took is never extended or deleted). Router's partitions and
// ami-bridge's active role use it.
import type { Redis } from './redis.js';

const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
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
  /** true: still `owner`'s, extended by `ttlMs` */
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

// The active bridge's lease on one PBX in Redis: SET NX PX to acquire, compare-and-extend to renew,
// compare-and-delete to release (as router's partition leases). The key is the only one ami-bridge
// writes, in its own hash slot: `{sa:<prefix>:ami:<pbx>}:lease`, holding the owner's id.
import type { Redis } from '@sa/platform';
import type { BridgeLease } from '../../wiring/ha-role.js';

const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface LeaseRedis extends Redis {
  saBridgeRenew(key: string, owner: string, ttlMs: number): Promise<number>;
  saBridgeRelease(key: string, owner: string): Promise<number>;
}

export function bridgeLeaseKey(prefix: string, pbxId: string): string {
  return `{sa:${prefix}:ami:${pbxId}}:lease`;
}

export class RedisBridgeLease implements BridgeLease {
  private readonly redis: LeaseRedis;

  constructor(
    redis: Redis,
    readonly key: string,
    private readonly owner: string,
  ) {
    if (!('saBridgeRenew' in redis)) {
      redis.defineCommand('saBridgeRenew', { numberOfKeys: 1, lua: RENEW_LUA });
      redis.defineCommand('saBridgeRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    }
    this.redis = redis as LeaseRedis;
  }

  async acquire(ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key, this.owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(ttlMs: number): Promise<boolean> {
    return (await this.redis.saBridgeRenew(this.key, this.owner, ttlMs)) === 1;
  }

  async release(): Promise<void> {
    await this.redis.saBridgeRelease(this.key, this.owner);
  }
}

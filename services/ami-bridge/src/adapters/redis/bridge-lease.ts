// The active bridge's lease on one PBX in Redis (@sa/platform's ownedLeases, as router's partition
// leases). The key is the only one ami-bridge writes, in its own hash slot:
// `{sa:<prefix>:ami:<pbx>}:lease`, holding the owner's id.
import { type OwnedLeases, ownedLeases, type Redis } from '@sa/platform';
import type { BridgeLease } from '../../wiring/ha-role.js';

export function bridgeLeaseKey(prefix: string, pbxId: string): string {
  return `{sa:${prefix}:ami:${pbxId}}:lease`;
}

export class RedisBridgeLease implements BridgeLease {
  private readonly leases: OwnedLeases;

  constructor(
    redis: Redis,
    readonly key: string,
    private readonly owner: string,
  ) {
    this.leases = ownedLeases(redis);
  }

  acquire(ttlMs: number): Promise<boolean> {
    return this.leases.acquire(this.key, this.owner, ttlMs);
  }

  renew(ttlMs: number): Promise<boolean> {
    return this.leases.renew(this.key, this.owner, ttlMs);
  }

  release(): Promise<void> {
    return this.leases.release(this.key, this.owner);
  }
}

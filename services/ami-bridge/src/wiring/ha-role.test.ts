import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createLogger } from '@sa/platform';
import { waitFor } from '@sa/testkit';
import { type ActiveBridge, type BridgeLease, HaRoleLoop } from './ha-role.js';

const LEASE_MS = 150;
const logger = createLogger('ami-bridge', 'silent');

/** One lease in memory, shared by several bridges, with Redis' SET NX PX / compare-and-extend rules. */
class FakeLeaseStore {
  owner: string | undefined;
  expiresAtMs = 0;

  holder(): string | undefined {
    return Date.now() < this.expiresAtMs ? this.owner : undefined;
  }

  leaseFor(id: string, faults: { renew?: 'hang' | 'fail' } = {}, calls: string[] = []): BridgeLease {
    return {
      acquire: async (ttlMs) => {
        calls.push('acquire');
        if (this.holder() !== undefined) return false;
        [this.owner, this.expiresAtMs] = [id, Date.now() + ttlMs];
        return true;
      },
      renew: async (ttlMs) => {
        calls.push('renew');
        if (faults.renew === 'hang') return new Promise<boolean>(() => {});
        if (faults.renew === 'fail') return false;
        // a vanished lease is taken again by its owner (platform ownedLeases)
        if (this.holder() === undefined) this.owner = id;
        else if (this.holder() !== id) return false;
        this.expiresAtMs = Date.now() + ttlMs;
        return true;
      },
      release: async () => {
        if (this.holder() === id) this.owner = undefined;
      },
    };
  }
}

/** Counts the active bridges running at once (from activate() until stop() is called). */
class Bridges {
  running = new Set<string>();
  maxAtOnce = 0;
  starts = 0;

  activator(id: string): () => Promise<ActiveBridge> {
    return async () => {
      this.starts++;
      this.running.add(id);
      this.maxAtOnce = Math.max(this.maxAtOnce, this.running.size);
      return { stop: async () => void this.running.delete(id) };
    };
  }
}

describe('HaRoleLoop', () => {
  const loops: HaRoleLoop[] = [];
  const loop = (lease: BridgeLease, activate: () => Promise<ActiveBridge>, leaseMs = LEASE_MS) => {
    const l = new HaRoleLoop({ lease, leaseMs, activate, logger });
    loops.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
  });

  test('given a free lease, when the loop starts, then it takes the lease and starts the active bridge', async () => {
    const store = new FakeLeaseStore();
    const bridges = new Bridges();
    const a = loop(store.leaseFor('a'), bridges.activator('a'));
    await a.start();
    assert.equal(a.role, 'active');
    assert.equal(store.holder(), 'a');
    assert.deepEqual([...bridges.running], ['a']);
    // renewals keep it: still active well past the lease time
    await new Promise((r) => setTimeout(r, LEASE_MS * 3));
    assert.equal(a.role, 'active');
    assert.equal(bridges.starts, 1);
  });

  test('given an active bridge and a standby, when Redis fails over, then the active one renews at once and the standby leaves the lease alone for a lease time', async () => {
    const store = new FakeLeaseStore();
    const bridges = new Bridges();
    const aCalls: string[] = [];
    const bCalls: string[] = [];
    const a = loop(store.leaseFor('a', {}, aCalls), bridges.activator('a'), 600);
    const b = loop(store.leaseFor('b', {}, bCalls), bridges.activator('b'), 600);
    await a.start();
    await b.start();
    await new Promise((r) => setTimeout(r, 50));
    // the new primary's copy of the lease expired before the switch
    store.owner = undefined;
    aCalls.length = 0;
    bCalls.length = 0;
    b.redisFailedOver();
    a.redisFailedOver();
    await waitFor(() => aCalls.includes('renew'), {
      timeoutMs: 100,
      intervalMs: 5,
      what: 'a renewal at once',
    });
    assert.equal(store.holder(), 'a', 'the active bridge holds it again');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(bCalls, [], 'the standby tried nothing for a lease time');
    assert.deepEqual([a.role, b.role], ['active', 'standby']);
    assert.equal(bridges.starts, 1);
  });

  test('given an active bridge, when another takes its lease (renew fails), then it stops the active bridge and is standby', async () => {
    const store = new FakeLeaseStore();
    const bridges = new Bridges();
    const a = loop(store.leaseFor('a'), bridges.activator('a'));
    await a.start();
    assert.equal(a.role, 'active');
    [store.owner, store.expiresAtMs] = ['intruder', Date.now() + 60_000];
    await waitFor(() => a.role === 'standby', { timeoutMs: LEASE_MS * 2, what: 'standby' });
    assert.equal(bridges.running.size, 0);
  });

  test('given a lease held by another, when the loop starts, then it stays standby and never starts the bridge', async () => {
    const store = new FakeLeaseStore();
    [store.owner, store.expiresAtMs] = ['other', Date.now() + 60_000];
    const bridges = new Bridges();
    const a = loop(store.leaseFor('a'), bridges.activator('a'));
    await a.start();
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    assert.equal(a.role, 'standby');
    assert.equal(bridges.starts, 0);
  });

  test('given two loops on one lease store, when the active one cannot renew (Redis hangs for it), then it stops before the other starts: never both active', async () => {
    const store = new FakeLeaseStore();
    const bridges = new Bridges();
    const faultsA: { renew?: 'hang' | 'fail' } = {};
    // the margin between A stopping (0.8 of the lease) and the lease expiring must outlast timer
    // delays on a loaded test machine: 200 ms here (600 ms with the default 3 s lease)
    const leaseMs = 1000;
    const a = loop(store.leaseFor('a', faultsA), bridges.activator('a'), leaseMs);
    const b = loop(store.leaseFor('b'), bridges.activator('b'), leaseMs);
    await a.start();
    await b.start();
    assert.deepEqual([a.role, b.role], ['active', 'standby']);
    await new Promise((r) => setTimeout(r, leaseMs));
    assert.deepEqual([a.role, b.role], ['active', 'standby']);
    faultsA.renew = 'hang';
    await waitFor(() => b.role === 'active', { timeoutMs: leaseMs * 3, what: 'b takes over' });
    assert.equal(a.role, 'standby');
    assert.deepEqual([...bridges.running], ['b']);
    assert.equal(bridges.maxAtOnce, 1, 'two bridges were active at once');
  });

  test('given an active loop, when it stops, then it releases the lease and a standby takes over within a third of the lease', async () => {
    const store = new FakeLeaseStore();
    const bridges = new Bridges();
    const a = loop(store.leaseFor('a'), bridges.activator('a'));
    const b = loop(store.leaseFor('b'), bridges.activator('b'));
    await a.start();
    await b.start();
    await a.stop();
    assert.equal(a.role, 'stopped');
    assert.equal(store.holder(), undefined);
    await waitFor(() => b.role === 'active', { timeoutMs: LEASE_MS / 3 + 100, what: 'b takes over' });
    assert.equal(bridges.maxAtOnce, 1);
  });
});

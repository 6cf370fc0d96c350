import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { type LeaseStore, PartitionManager } from './partition-manager.js';

/** Leases always granted (epoch 7), released ones recorded. */
function leases(): LeaseStore & { released: number[] } {
  const released: number[] = [];
  return {
    released,
    acquire: async () => 7,
    renew: async () => true,
    release: async (p) => {
      released.push(p);
    },
    heartbeat: async () => 1,
    leave: async () => {},
  };
}

function manager(store: LeaseStore, start: (p: number, epoch: number) => Promise<{ stop(): Promise<void> }>) {
  // a lease of a minute: the periodic check does not run during a test
  return new PartitionManager({
    leases: store,
    partitions: 2,
    leaseMs: 60_000,
    start,
    logger: createLogger('test', 'silent'),
  });
}

test('given two owned partitions, when restarted after a Redis failover, then each runner stops and runs again under the same lease', async () => {
  const log: string[] = [];
  let runs = 0;
  const m = manager(leases(), async (p, epoch) => {
    const run = ++runs;
    log.push(`start ${p}@${epoch} #${run}`);
    return { stop: async () => void log.push(`stop ${p} #${run}`) };
  });
  await m.start();
  await m.restartAll('redis failover');
  assert.deepEqual(log, [
    'start 0@7 #1',
    'start 1@7 #2',
    'stop 0 #1',
    'start 0@7 #3',
    'stop 1 #2',
    'start 1@7 #4',
  ]);
  assert.deepEqual(m.ownedPartitions(), [0, 1]);
  await m.stop();
  assert.deepEqual(log.slice(-2), ['stop 0 #3', 'stop 1 #4']);
});

test('given a partition that fails to start again, when restarted, then it is given up and its lease released (the next check or another router takes it)', async () => {
  const store = leases();
  let runs = 0;
  const m = manager(store, async () => {
    runs += 1;
    if (runs === 3) throw new Error('Redis not ready');
    return { stop: async () => {} };
  });
  await m.start();
  await m.restartAll('redis failover');
  assert.deepEqual(m.ownedPartitions(), [1]);
  assert.deepEqual(store.released, [0]);
  await m.stop();
});

test('given a router started while another holds every partition, when the other gives one up, then it takes it within a fraction of the check interval', async () => {
  const held = new Set([0, 1]);
  let live = 1;
  const store: LeaseStore = {
    acquire: async (p) => {
      if (held.has(p)) return null;
      held.add(p);
      return 8;
    },
    renew: async () => true,
    release: async () => {},
    heartbeat: async () => live,
    leave: async () => {},
  };
  const started: number[] = [];
  // checks every 2 s (a lease of 6 s): only the eager checks can take it sooner
  const m = new PartitionManager({
    leases: store,
    partitions: 2,
    leaseMs: 6000,
    start: async (p) => {
      started.push(p);
      return { stop: async () => {} };
    },
    logger: createLogger('test', 'silent'),
  });
  live = 2;
  await m.start();
  assert.deepEqual(started, [], 'both held by the other router');
  await new Promise((r) => setTimeout(r, 150));
  held.delete(1); // the other router rebalances
  const freedAt = Date.now();
  while (started.length === 0 && Date.now() - freedAt < 1500) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(started, [1]);
  assert.ok(Date.now() - freedAt < 500, `taken ${Date.now() - freedAt} ms after it was given up`);
  await m.stop();
});

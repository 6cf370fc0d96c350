import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionOf } from '@sa/platform';
import { durableSets, waitingInEvery } from './partition-ack-floors.js';

const info = (name: string, floor: number) => ({ name, ack_floor: { consumer_seq: 0, stream_seq: floor } });
const ext = '201';
const mine = partitionOf(ext, 4);
const other = (mine + 1) % 4;

describe('router acknowledged floors', () => {
  it('given router partition durables among other consumers, then they are grouped by prefix and count', () => {
    const sets = durableSets([
      info('router_p0_of_1', 7),
      info(`router_p${mine}_of_4`, 9),
      info('ordered_x1', 99),
    ]);
    assert.equal(sets.length, 2);
    assert.deepEqual(sets.find((s) => s.partitions === 1)?.floors, [7]);
    assert.equal(sets.find((s) => s.partitions === 4)?.floors[mine], 9);
  });

  it('given the durable of the user partition, then a report above its floor waits and one at or below it does not', () => {
    const sets = durableSets([info(`router_p${mine}_of_4`, 10), info(`router_p${other}_of_4`, 1)]);
    assert.equal(waitingInEvery(sets, ext, 11), true);
    assert.equal(waitingInEvery(sets, ext, 10), false, 'acknowledged: router applied it');
    assert.equal(waitingInEvery(sets, ext, 5), false);
  });

  it('given durables left from another partition count (never advancing), then the running set decides', () => {
    const stale = info('router_p0_of_1', 3);
    assert.equal(waitingInEvery(durableSets([stale, info(`router_p${mine}_of_4`, 10)]), ext, 8), false);
    assert.equal(waitingInEvery(durableSets([stale, info(`router_p${mine}_of_4`, 10)]), ext, 12), true);
  });

  it('given no durable for the user partition in some set, or none at all, then nothing waits (published as before)', () => {
    assert.equal(waitingInEvery(durableSets([info(`router_p${other}_of_4`, 1)]), ext, 50), false);
    assert.equal(waitingInEvery(durableSets([]), ext, 50), false);
    const taken = durableSets([info('router_p0_of_1', 1), info(`router_p${other}_of_4`, 1)]);
    assert.equal(waitingInEvery(taken, ext, 50), false, 'its durable is being created again: unsure');
  });
});

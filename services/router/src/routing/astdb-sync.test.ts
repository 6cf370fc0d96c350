import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { decision } from '../test-support/engine-fixtures.js';
import { AstDbSync } from './astdb-sync.js';

/** `gated`: the first write waits until `release()` (a write in flight meanwhile). */
function rig(opts: { gated?: boolean; maxInFlight?: number } = {}) {
  const writes: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const sync = new AstDbSync({
    writer: {
      writeTarget: async (ext, d) => {
        if (opts.gated && writes.length === 0) await gate;
        writes.push(`${ext}=${d.targetDial}@${d.version}`);
      },
    },
    publisher: { scenarioChanged: () => {} },
    store: { markPushed: async () => {} },
    logger: createLogger('router-test', 'silent'),
    options: { maxInFlight: opts.maxInFlight ?? 8, retry: { initialDelayMs: 1, maxDelayMs: 5 } },
  });
  return { sync, writes, release };
}

test('given a version this instance already wrote, when the unconfirmed pass ensures it, then it is not written again', async () => {
  const { sync, writes } = rig();
  sync.push('230', 0, decision(1, '230'));
  sync.ensure('230', 0, decision(1, '230'));
  await sync.idle();
  sync.ensure('230', 0, decision(1, '230'));
  await sync.idle();
  assert.deepEqual(writes, ['230=230@1']);
});

test('given a version another owner committed but never confirmed, when ensured, then it is written', async () => {
  const { sync, writes } = rig();
  sync.ensure('231', 0, decision(4, '299'));
  await sync.idle();
  assert.deepEqual(writes, ['231=299@4']);
});

test('given ami-bridge reconnected, when resynced, then an already written version is written again', async () => {
  const { sync, writes } = rig();
  sync.push('232', 0, decision(2, '232'));
  await sync.idle();
  sync.amiSessionBegan();
  sync.resync('232', 0, decision(2, '232'));
  await sync.idle();
  assert.deepEqual(writes, ['232=232@2', '232=232@2']);
});

test('given a version written in the current AMI session, when resynced again (AmiConnected and the status reply), then it is not written twice', async () => {
  const { sync, writes } = rig();
  sync.amiSessionBegan();
  sync.resync('233', 0, decision(2, '233'));
  sync.resync('233', 0, decision(2, '233'));
  await sync.idle();
  sync.resync('233', 0, decision(2, '233'));
  await sync.idle();
  assert.deepEqual(writes, ['233=233@2']);
});

test('given a start-up re-evaluation pushed a user, when the partition resyncs in the same AMI session, then the user is written once', async () => {
  const { sync, writes } = rig();
  sync.amiSessionBegan();
  sync.push('234', 0, decision(3, '299'));
  sync.resync('234', 0, decision(3, '299'));
  await sync.idle();
  assert.deepEqual(writes, ['234=299@3']);
});

test('given a resync that loaded a version older than one already written, when it runs, then the older target is not written', async () => {
  const { sync, writes } = rig();
  sync.push('235', 0, decision(5, '299'));
  await sync.idle();
  sync.amiSessionBegan();
  sync.resync('235', 0, decision(4, '235'));
  await sync.idle();
  assert.deepEqual(writes, ['235=299@5']);
});

test('given a write in flight when a new AMI session begins, when resynced, then it is written again in the new session', async () => {
  const { sync, writes, release } = rig({ gated: true });
  sync.push('236', 0, decision(1, '236'));
  sync.amiSessionBegan();
  sync.resync('236', 0, decision(1, '236'));
  sync.ensure('236', 0, decision(1, '236'));
  release();
  await sync.idle();
  assert.deepEqual(writes, ['236=236@1', '236=236@1']);
});

test('issue 21: given a version written in this AMI session, when FreePBX changed the keys and it is repaired, then it is written again once; an older version is never repaired over a newer one', async () => {
  const { sync, writes } = rig();
  sync.push('235', 0, decision(3, '100'));
  await sync.idle();
  assert.equal(sync.repair('235', 0, decision(3, '100'), sync.writeCount()), true);
  await sync.idle();
  sync.repair('235', 0, decision(2, '600'), sync.writeCount());
  await sync.idle();
  assert.deepEqual(writes, ['235=100@3', '235=100@3']);
});

test('issue 21: given a user this instance has not written yet, or whose write is queued, running or confirmed after the Follow-Me check read AstDB, when that check asks for a repair, then nothing is written (the resync or that write puts the keys in place)', async () => {
  const { sync, writes } = rig();
  const readAt = sync.writeCount();
  assert.equal(sync.repair('237', 0, decision(1, '100'), readAt), false, 'not written yet');
  sync.push('237', 0, decision(1, '100'));
  assert.equal(sync.repair('237', 0, decision(1, '100'), readAt), false, 'write still running');
  await sync.idle();
  assert.equal(sync.repair('237', 0, decision(1, '100'), readAt), false, 'confirmed after the read');
  await sync.idle();
  assert.deepEqual(writes, ['237=100@1']);
  assert.equal(sync.repair('237', 0, decision(1, '100'), sync.writeCount()), true, 'a later read');
  await sync.idle();
  assert.deepEqual(writes, ['237=100@1', '237=100@1']);
});

test('given thousands of resync writes waiting for a slot, when a user moves, then the move is written next, ahead of them', async () => {
  const writes: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const sync = new AstDbSync({
    writer: {
      writeTarget: async (ext, d) => {
        await gate;
        writes.push(`${ext}=${d.targetDial}`);
      },
    },
    publisher: { scenarioChanged: () => {} },
    store: { markPushed: async () => {} },
    logger: createLogger('router-test', 'silent'),
    options: { maxInFlight: 2, retry: { initialDelayMs: 1, maxDelayMs: 5 } },
  });
  sync.amiSessionBegan();
  for (let i = 0; i < 2000; i++) sync.resync(`r${i}`, 0, decision(1, `r${i}`));
  sync.resync('mover', 0, decision(1, 'mover'));
  // the move: a newer decision of a user whose resync waits too
  sync.push('mover', 0, decision(2, '299'));
  open();
  await sync.idle();
  assert.equal(writes.length, 2001);
  assert.deepEqual(
    writes.slice(0, 3),
    ['r0=r0', 'r1=r1', 'mover=299'],
    'the move right after the writes in flight',
  );
  assert.equal(writes.filter((w) => w.startsWith('mover=')).length, 1, 'written once, the newer version');
});

test('given writes failing while ami-bridge is away and waiting out a long retry delay, when a new AMI session begins, then they are written at once', async () => {
  let away = true;
  const writes: string[] = [];
  const sync = new AstDbSync({
    writer: {
      writeTarget: async (ext, d) => {
        if (away) throw new Error('no ami-bridge is listening');
        writes.push(`${ext}=${d.targetDial}`);
      },
    },
    publisher: { scenarioChanged: () => {} },
    store: { markPushed: async () => {} },
    logger: createLogger('router-test', 'silent'),
    options: { maxInFlight: 8, retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } },
  });
  sync.push('240', 0, decision(1, '240'));
  await new Promise((r) => setTimeout(r, 20)); // failed once, now waiting a minute
  assert.deepEqual(writes, []);
  away = false;
  sync.amiSessionBegan();
  await sync.idle();
  assert.deepEqual(writes, ['240=240']);
});

test('given a Redis failover lost the commit of a written version, when the partition derives that version again with another target, then it is written; the same keys again are not', async () => {
  const { sync, writes } = rig();
  sync.amiSessionBegan();
  sync.push('237', 0, decision(5, '299')); // committed on the old primary, lost with it
  sync.push('238', 0, decision(3, '238'));
  sync.push('239', 1, decision(2, '299')); // another partition: not restarted
  await sync.idle();
  sync.forgetVersions(0);
  sync.push('237', 0, decision(5, '237')); // the same version from the state kept, another target
  sync.resync('238', 0, decision(3, '238')); // the same keys: already in AstDB
  sync.resync('239', 1, decision(1, '239')); // versions still hold there
  await sync.idle();
  sync.resync('237', 0, decision(4, '299')); // versioned again: an older version is not written
  await sync.idle();
  assert.deepEqual(writes, ['237=299@5', '238=238@3', '239=299@2', '237=237@5']);
});

test('given writes queued or in flight from the old states when a Redis failover restarts the partition, then the queued ones are dropped and the one in flight guards by its keys only', async () => {
  const { sync, writes, release } = rig({ gated: true, maxInFlight: 1 });
  sync.push('240', 0, decision(7, '299')); // in flight
  sync.push('241', 0, decision(9, '299')); // queued behind it
  sync.forgetVersions(0);
  release();
  await sync.idle();
  sync.push('240', 0, decision(6, '240'));
  sync.push('241', 0, decision(8, '241'));
  await sync.idle();
  assert.deepEqual(writes, ['240=299@7', '240=240@6', '241=241@8']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import type { Decision } from '../domain/types.js';
import { AstDbSync } from './astdb-sync.js';

const decision = (version: number, targetDial: string): Decision => ({
  scenarioId: 's',
  scenarioName: 'S',
  targetDial,
  targetName: 'T',
  reason: 'test',
  decidedAtMs: 0,
  version,
});

function rig() {
  const writes: string[] = [];
  const sync = new AstDbSync({
    writer: {
      writeTarget: async (ext, d) => {
        writes.push(`${ext}=${d.targetDial}@${d.version}`);
      },
    },
    publisher: { scenarioChanged: () => {} },
    store: { markPushed: async () => {} },
    logger: createLogger('router-test', 'silent'),
    options: { maxInFlight: 8, retryBaseMs: 1, retryMaxMs: 5 },
  });
  return { sync, writes };
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
  sync.resync('232', 0, decision(2, '232'));
  await sync.idle();
  assert.deepEqual(writes, ['232=232@2', '232=232@2']);
});

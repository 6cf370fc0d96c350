import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FollowMeBoard, type FollowMeReport } from './followme-board.js';

const report = (
  extension: string,
  status: FollowMeReport['status'],
  checkedAtMs: number,
  republishMs = 60_000,
): FollowMeReport => ({
  extension,
  status,
  fix: status === 'ok' ? '' : `Applications > Follow Me for ${extension}`,
  checkedAtMs,
  republishMs,
});

test('given problems of two users, when one is fixed, then only the other is listed', () => {
  const board = new FollowMeBoard(() => 0);
  board.apply(report('233', 'no-followme', 1000));
  board.apply(report('100', 'not-an-extension', 1000));
  assert.deepEqual(
    board.problems().map((p) => `${p.extension}:${p.status}`),
    ['100:not-an-extension', '233:no-followme'],
  );
  board.apply(report('233', 'ok', 6000));
  assert.deepEqual(board.problems(), [
    {
      extension: '100',
      status: 'not-an-extension',
      fix: 'Applications > Follow Me for 100',
      checkedAt: new Date(1000).toISOString(),
    },
  ]);
});

test('given a report older than the one held, when it arrives late, then the newer one stays', () => {
  const board = new FollowMeBoard(() => 0);
  board.apply(report('233', 'not-an-extension', 6000));
  assert.equal(board.apply(report('233', 'no-followme', 1000)), false);
  assert.equal(board.problems()[0]?.status, 'not-an-extension');
});

test('given a problem router stops repeating, when three republish periods pass, then it is no longer listed', () => {
  let now = 0;
  const board = new FollowMeBoard(() => now);
  board.apply(report('233', 'no-followme', 0, 60_000));
  board.apply(report('234', 'no-followme', 0, 0));
  now = 120_000;
  board.apply(report('233', 'no-followme', 120_000, 60_000));
  now = 299_999;
  assert.equal(board.problems().length, 2);
  now = 480_000;
  assert.deepEqual(
    board.problems().map((p) => p.extension),
    ['234'],
  );
});

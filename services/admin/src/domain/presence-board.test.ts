import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PresenceBoard, type PresenceEntry } from './presence-board.js';

const entry = (extension: string, version: number, scenarioName = 'Office'): PresenceEntry => ({
  extension,
  scenarioId: 's1',
  scenarioName,
  targetDial: '230',
  targetName: 'SMART-Desk',
  reason: 'location',
  decidedAt: new Date(0).toISOString(),
  version,
});

test('given an older version arriving after a newer one, when applied, then the newer entry stays', () => {
  const board = new PresenceBoard();
  const seen: string[] = [];
  board.subscribe((e) => seen.push(`${e.extension}:${e.version}`));
  assert.equal(board.apply(entry('230', 2, 'Home')), true);
  assert.equal(board.apply(entry('230', 1, 'Office')), false);
  board.apply(entry('100', 1));
  assert.deepEqual(
    board.list().map((e) => `${e.extension}:${e.scenarioName}`),
    ['100:Office', '230:Home'],
  );
  assert.deepEqual(seen, ['230:2', '100:1']);
});

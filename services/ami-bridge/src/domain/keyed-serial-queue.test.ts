import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedSerialQueue } from './keyed-serial-queue.js';

test('given tasks for one key with different durations, when queued, then they finish in submission order even if one fails', async () => {
  const q = new KeyedSerialQueue();
  const done: string[] = [];
  const task =
    (name: string, ms: number, fail = false) =>
    () =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          done.push(name);
          if (fail) reject(new Error(name));
          else resolve();
        }, ms),
      );
  const all = Promise.allSettled([
    q.run('230', task('a', 30)),
    q.run('230', task('b', 1, true)),
    q.run('230', task('c', 1)),
  ]);
  await all;
  assert.deepEqual(done, ['a', 'b', 'c']);
  assert.equal(q.activeKeys, 0);
});

test('given tasks for two keys, when queued, then the second key does not wait for the first', async () => {
  const q = new KeyedSerialQueue();
  const done: string[] = [];
  const slow = q.run('a', () => new Promise<void>((r) => setTimeout(() => r(done.push('a') as never), 30)));
  await q.run('b', async () => {
    done.push('b');
  });
  await slow;
  assert.deepEqual(done, ['b', 'a']);
});

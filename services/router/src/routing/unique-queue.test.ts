import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UniqueQueue } from './unique-queue.js';

describe('UniqueQueue', () => {
  it('takes keys in the order they were first added, each once', () => {
    const q = new UniqueQueue<string>();
    assert.equal(q.add('a'), true);
    assert.equal(q.add('b'), true);
    assert.equal(q.add('a'), false, 'a queued key keeps its place');
    assert.equal(q.size, 2);
    assert.deepEqual([q.take(), q.take(), q.take()], ['a', 'b', undefined]);
    assert.equal(q.size, 0);
  });

  it('skips a key deleted while queued, and queues it again at the back when re-added', () => {
    const q = new UniqueQueue<string>();
    for (const k of ['a', 'b', 'c']) q.add(k);
    assert.equal(q.delete('a'), true);
    assert.equal(q.has('a'), false);
    q.add('a');
    assert.deepEqual([q.take(), q.take(), q.take(), q.take()], ['b', 'c', 'a', undefined]);
  });

  it('stays in order across compaction of a long run of takes', () => {
    const q = new UniqueQueue<number>();
    const taken: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      q.add(i);
      if (i % 3 === 2) taken.push(q.take() as number, q.take() as number);
    }
    while (q.size > 0) taken.push(q.take() as number);
    assert.deepEqual(
      taken,
      Array.from({ length: 10_000 }, (_, i) => i),
    );
  });

  it('is empty after clear', () => {
    const q = new UniqueQueue<string>();
    q.add('a');
    q.clear();
    assert.equal(q.take(), undefined);
    assert.equal(q.add('a'), true);
    assert.equal(q.take(), 'a');
  });
});

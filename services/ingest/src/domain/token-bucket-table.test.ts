import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucketTable } from './token-bucket-table.js';

describe('TokenBucketTable', () => {
  it('given a burst of 3, when 4 packets arrive at once, then the 4th is refused and refilled later', () => {
    const t = new TokenBucketTable({ perSecond: 1, burst: 3, maxEntries: 10 });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => t.take('a', 0)),
      [true, true, true, false],
    );
    assert.equal(t.take('a', 999), false);
    assert.equal(t.take('a', 2000), true);
  });

  it('given a flood of distinct ids, when taken, then the table never exceeds its bound', () => {
    const t = new TokenBucketTable({ perSecond: 1, burst: 1, maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) t.take(`ip-${i}`, i);
    assert.equal(t.size, 100);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlotTokenBuckets, TokenBucketTable } from './token-bucket-table.js';

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
    for (let i = 0; i < 10_000; i++) {
      t.take(`ip-${i}`, i);
      assert.ok(t.size <= 100, `size ${t.size} after ${i + 1} ids`);
    }
    assert.ok(t.size >= 50);
  });

  it('given a flood of distinct ids, when an exhausted id keeps sending, then it stays limited', () => {
    const t = new TokenBucketTable({ perSecond: 1, burst: 2, maxEntries: 100 });
    assert.equal(t.take('attacker', 0), true);
    assert.equal(t.take('attacker', 0), true);
    for (let i = 0; i < 10_000; i++) {
      t.take(`ip-${i}`, 0);
      // seen again before half the table's worth of newer ids: its empty bucket is remembered
      if (i % 40 === 0) assert.equal(t.take('attacker', 0), false, `after ${i + 1} other ids`);
    }
  });

  it('given an id not seen for more than the table holds, when it returns, then it starts afresh', () => {
    const t = new TokenBucketTable({ perSecond: 1, burst: 1, maxEntries: 10 });
    assert.equal(t.take('a', 0), true);
    assert.equal(t.take('a', 0), false);
    for (let i = 0; i < 10; i++) t.take(`ip-${i}`, 0);
    assert.equal(t.take('a', 0), true, 'forgotten after 10 newer ids, so a full bucket again');
  });
});

describe('SlotTokenBuckets', () => {
  it('given a burst of 3, when 4 packets arrive at once, then the 4th is refused and refilled later', () => {
    const t = new SlotTokenBuckets({ perSecond: 1, burst: 3 });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => t.take(5000, 0)),
      [true, true, true, false],
    );
    assert.equal(t.take(5000, 999), false);
    assert.equal(t.take(5000, 2000), true);
    assert.equal(t.take(4999, 2000), true, 'a neighbouring slot has its own bucket');
  });

  it('given an exhausted slot, when reset for a new owner, then it starts with a full burst', () => {
    const t = new SlotTokenBuckets({ perSecond: 1, burst: 2 });
    t.take(0, 100);
    t.take(0, 100);
    assert.equal(t.take(0, 100), false);
    t.reset(0);
    assert.equal(t.take(0, 100), true);
    assert.equal(t.take(0, 100), true);
    assert.equal(t.take(0, 100), false);
  });
});

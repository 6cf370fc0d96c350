import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flipBit, truncate } from './garble.js';

describe('garble', () => {
  it('given bit 0, when flipped, then the most significant bit of byte 0 changes and the input is kept', () => {
    const p = new Uint8Array([0x00, 0xff]);
    assert.deepEqual([...flipBit(p, 0)], [0x80, 0xff]);
    assert.deepEqual([...flipBit(p, 15)], [0x00, 0xfe]);
    assert.deepEqual([...p], [0x00, 0xff]);
    assert.throws(() => flipBit(p, 16));
  });

  it('given a length, when truncated, then the copy is cut to it', () => {
    assert.deepEqual([...truncate(new Uint8Array([1, 2, 3]), 2)], [1, 2]);
    assert.equal(truncate(new Uint8Array([1]), 5).length, 1);
  });
});

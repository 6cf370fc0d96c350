import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WifiMacIndex } from './wifi-mac-index.js';

describe('WifiMacIndex', () => {
  it('given a device with MACs in several spellings, when looked up, then each normalised MAC names it', () => {
    const index = new WifiMacIndex();
    assert.deepEqual(index.put('d1', ['AA-BB-CC-00-00-01', 'aabb.cc00.0002']), []);
    assert.equal(index.deviceOf('aa:bb:cc:00:00:01'), 'd1');
    assert.equal(index.deviceOf('aa:bb:cc:00:00:02'), 'd1');
    index.put('d1', ['aa:bb:cc:00:00:02']);
    assert.equal(index.deviceOf('aa:bb:cc:00:00:01'), undefined, 'a MAC taken off the device is forgotten');
    index.remove('d1');
    assert.equal(index.size, 0);
  });

  it('given a MAC moved from A to B, when the watch delivers B first and A second, then B owns it', () => {
    const index = new WifiMacIndex();
    index.put('A', ['aa:bb:cc:00:00:01']);
    assert.equal(index.put('B', ['aa:bb:cc:00:00:01']).length, 1, 'the overlap is reported');
    index.put('A', []);
    assert.equal(index.deviceOf('aa:bb:cc:00:00:01'), 'B');
  });

  it('given a value that is not a MAC, then it is skipped and the problem does not repeat the value', () => {
    const index = new WifiMacIndex();
    const problems = index.put('d1', ['not-a-mac-12']);
    assert.equal(problems.length, 1);
    assert.ok(!problems[0]!.includes('not-a-mac'));
    assert.equal(index.size, 0);
  });
});

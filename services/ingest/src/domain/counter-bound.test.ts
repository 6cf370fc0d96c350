import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterTooFarAhead } from './counter-bound.js';

describe('counterTooFarAhead', () => {
  const now = 1_700_000_000_000;
  const window = 120_000;
  const table: Array<[counter: number, ahead: boolean, why: string]> = [
    [1, false, 'a phone counting 1, 2, 3...'],
    [now - 86_400_000, false, 'a clock-counting phone back after a day of silence'],
    [now, false, 'a clock-counting phone with the right clock'],
    [now + window, false, 'exactly the timestamp window above the clock (a phone clock that far ahead)'],
    [now + window + 1, true, 'one above the bound'],
    [Number.MAX_SAFE_INTEGER, true, '2^53 - 1, the highest counter the header allows'],
  ];
  for (const [counter, ahead, why] of table) {
    it(`given counter ${counter} at server time ${now}, then ${ahead ? 'counter_ahead' : 'within the bound'}: ${why}`, () => {
      assert.equal(counterTooFarAhead(counter, now, window), ahead);
    });
  }
});

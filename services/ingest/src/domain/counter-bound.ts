// The upper bound on a packet's counter (docs/protocol.md section 6, check 7): never more than the
// timestamp window above the server clock in ms. A phone that counts in clock milliseconds (the
// reference client, and the documented way to survive a reinstall) stays below it, and so does one
// that counts 1, 2, 3... Without it, one forged packet with counter 2^53 - 1 made every later packet
// of that device a replay (locked out until the Redis key expired). The bound is the clock, not the
// highest counter seen: an allowance above the highest would let a sender holding the key move it
// forward packet after packet, and would refuse a clock-counting phone after a long silence.

/** true when `counter` is above `nowMs + timestampWindowMs` (rejected as `counter_ahead`) */
export function counterTooFarAhead(counter: number, nowMs: number, timestampWindowMs: number): boolean {
  return counter > nowMs + timestampWindowMs;
}

// Packet mutations for tests: a replayed, bit-flipped or truncated envelope must be rejected.

export function flipBit(packet: Uint8Array, bit: number): Uint8Array {
  if (bit < 0 || bit >= packet.length * 8)
    throw new Error(`bit ${bit} is outside the ${packet.length}-byte packet`);
  const out = packet.slice();
  out[bit >> 3]! ^= 1 << (7 - (bit & 7));
  return out;
}

export function truncate(packet: Uint8Array, length: number): Uint8Array {
  return packet.slice(0, Math.max(0, Math.min(length, packet.length)));
}

// Token buckets keyed by source IP or device id, in a bounded table: a flood of distinct sources
// forgets the least recently seen ones instead of growing memory. Pure: time is passed in.

interface Bucket {
  tokens: number;
  lastMs: number;
}

export interface TokenBucketOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly maxEntries: number;
}

/**
 * Two generations of at most maxEntries/2 ids each: an id seen again while in the older one moves
 * to the newer one, and when the newer one is full the older one is dropped whole. So the last
 * maxEntries/2 distinct ids are always remembered, and never more than maxEntries.
 * Why not one Map in LRU order (delete + re-insert on every take, evict its first key): V8 leaves a
 * hole for every deleted entry until it rebuilds the table, and finding the first key rescans them.
 * Once a flood of distinct addresses made it evict, that cost 7-37 µs per take (measured with
 * 100k entries), against well under 1 µs here.
 */
export class TokenBucketTable {
  private current = new Map<string, Bucket>();
  private previous = new Map<string, Bucket>();
  private readonly generationSize: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.generationSize = Math.max(1, Math.floor(options.maxEntries / 2));
  }

  /** Takes one token; false when the bucket is empty. */
  take(id: string, nowMs: number): boolean {
    const { perSecond, burst } = this.options;
    let b = this.current.get(id);
    if (!b) {
      b = this.previous.get(id);
      if (b) this.previous.delete(id);
      else b = { tokens: burst, lastMs: nowMs };
      if (this.current.size >= this.generationSize) {
        this.previous = this.current;
        this.current = new Map();
      }
      this.current.set(id, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.lastMs) * perSecond) / 1000);
    b.lastMs = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/**
 * Token buckets for small dense integer ids (device slots): two numbers per id in typed arrays,
 * no object or Map entry per id. Grows to the highest id used; `reset` when an id changes owner.
 */
export class SlotTokenBuckets {
  private tokens = new Float64Array(0);
  /** NaN = fresh: starts with a full burst */
  private lastMs = new Float64Array(0);

  constructor(private readonly options: Omit<TokenBucketOptions, 'maxEntries'>) {}

  take(slot: number, nowMs: number): boolean {
    if (slot >= this.lastMs.length) this.grow(slot);
    const { perSecond, burst } = this.options;
    const last = this.lastMs[slot]!;
    let tokens = Number.isNaN(last)
      ? burst
      : Math.min(burst, this.tokens[slot]! + ((nowMs - last) * perSecond) / 1000);
    this.lastMs[slot] = nowMs;
    const ok = tokens >= 1;
    if (ok) tokens -= 1;
    this.tokens[slot] = tokens;
    return ok;
  }

  reset(slot: number): void {
    if (slot < this.lastMs.length) this.lastMs[slot] = Number.NaN;
  }

  private grow(slot: number): void {
    const size = Math.max(1024, this.lastMs.length * 2, slot + 1);
    const tokens = new Float64Array(size);
    tokens.set(this.tokens);
    const lastMs = new Float64Array(size).fill(Number.NaN);
    lastMs.set(this.lastMs);
    this.tokens = tokens;
    this.lastMs = lastMs;
  }
}

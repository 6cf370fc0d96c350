// Token buckets keyed by source IP or device id, in a bounded LRU table: a flood of distinct
// sources evicts the least recently seen entries instead of growing memory. Pure: time is passed in.

interface Bucket {
  tokens: number;
  lastMs: number;
}

export interface TokenBucketOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly maxEntries: number;
}

export class TokenBucketTable {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TokenBucketOptions) {}

  /** Takes one token; false when the bucket is empty. */
  take(id: string, nowMs: number): boolean {
    const { perSecond, burst, maxEntries } = this.options;
    let b = this.buckets.get(id);
    if (b) {
      this.buckets.delete(id); // re-insert below: Map order = least recently used first
      b.tokens = Math.min(burst, b.tokens + ((nowMs - b.lastMs) * perSecond) / 1000);
      b.lastMs = nowMs;
    } else {
      b = { tokens: burst, lastMs: nowMs };
      if (this.buckets.size >= maxEntries) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(id, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
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

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

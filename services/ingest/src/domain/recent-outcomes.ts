// Outcomes remembered for a while by key, in two generations: an entry lives between ttlMs and
// 2 x ttlMs (or until maxEntries/2 newer keys pushed its generation out). Bounded memory, O(1) per
// operation. Pure: time is passed in.

export interface RecentOutcomesOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export class RecentOutcomes<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private rotatedAtMs = Number.NEGATIVE_INFINITY;
  private readonly generationSize: number;

  constructor(private readonly options: RecentOutcomesOptions) {
    this.generationSize = Math.max(1, Math.floor(options.maxEntries / 2));
  }

  get(key: string, nowMs: number): V | undefined {
    this.age(nowMs);
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V, nowMs: number): void {
    this.age(nowMs);
    if (this.current.size >= this.generationSize) this.rotate(nowMs);
    this.current.set(key, value);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  private age(nowMs: number): void {
    if (nowMs - this.rotatedAtMs < this.options.ttlMs) return;
    // two periods without a rotation: everything is older than ttlMs
    if (nowMs - this.rotatedAtMs >= 2 * this.options.ttlMs) this.current = new Map();
    this.rotate(nowMs);
  }

  private rotate(nowMs: number): void {
    this.previous = this.current;
    this.current = new Map();
    this.rotatedAtMs = nowMs;
  }
}

// In-memory copy of the committed state of every user in the partitions this instance owns, so
// the decision processor does not read Redis per event and a call is answered from memory.
// Coherent because every commit of an owned partition goes through this instance (the epoch
// fences any other writer) and through here: a committed write updates the entry, a conflict
// evicts it (the next attempt reloads from Redis), losing the partition drops its whole map.
// `null` = the user has no stored state (loaded and found absent).
// Entries are kept in the compact form written to Redis ("<rev>:<epoch>:<json>", about half the
// heap of the decoded objects) and decoded on use: a few µs per event, ~60 MB less at 100k users.

import { partitionOf } from '@sa/platform';
import type { StoredUser } from './ports.js';
import { decodeState, encodeState } from './state-codec.js';

const revOf = (raw: string | null | undefined): number =>
  raw == null ? 0 : Number(raw.slice(0, raw.indexOf(':')));

/** One owned partition's users; Map-like, but values are held encoded. */
export class PartitionStates {
  private readonly encoded = new Map<string, string | null>();

  has(extension: string): boolean {
    return this.encoded.has(extension);
  }

  /** undefined = not loaded here; null = loaded and found absent. */
  get(extension: string): StoredUser | null | undefined {
    const raw = this.encoded.get(extension);
    return raw == null ? raw : decodeState(raw);
  }

  /** The cached revision without decoding (0 = absent or unknown). */
  rev(extension: string): number {
    return revOf(this.encoded.get(extension));
  }

  /** Records a committed write unless a newer revision is already cached (one lookup: every commit). */
  committed(extension: string, user: StoredUser, encoded?: string): void {
    const raw = this.encoded.get(extension);
    if (raw === undefined || revOf(raw) < user.rev) this.set(extension, user, encoded);
  }

  /** `encoded` = `encodeState(user.rev, user.epoch, user.state)` when the caller has it already. */
  set(extension: string, user: StoredUser | null, encoded?: string): void {
    this.encoded.set(extension, user && (encoded ?? encodeState(user.rev, user.epoch, user.state)));
  }

  delete(extension: string): boolean {
    return this.encoded.delete(extension);
  }

  get size(): number {
    return this.encoded.size;
  }
}

export class OwnedStateCache {
  private readonly parts = new Map<number, PartitionStates>();

  constructor(private readonly partitions: number) {}

  /** Starts caching a partition this instance now owns (empty: filled on first use). */
  open(partition: number): PartitionStates {
    const m = new PartitionStates();
    this.parts.set(partition, m);
    return m;
  }

  /** The partition is no longer owned here: forget everything about its users. */
  close(partition: number, states?: PartitionStates): void {
    if (!states || this.parts.get(partition) === states) this.parts.delete(partition);
  }

  partition(partition: number): PartitionStates | undefined {
    return this.parts.get(partition);
  }

  /** undefined = not known here (not owned, or not loaded yet): ask Redis. */
  lookup(extension: string): StoredUser | null | undefined {
    return this.parts.get(partitionOf(extension, this.partitions))?.get(extension);
  }

  get size(): number {
    let n = 0;
    for (const m of this.parts.values()) n += m.size;
    return n;
  }
}

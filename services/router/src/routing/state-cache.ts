// In-memory copy of the committed state of every user in the partitions this instance owns, so
// the decision processor does not read Redis per event and a call is answered from memory.
// Coherent because every commit of an owned partition goes through this instance (the epoch
// fences any other writer) and through here: a committed write updates the entry, a conflict
// evicts it (the next attempt reloads from Redis), losing the partition drops its whole map.
// `null` = the user has no stored state (loaded and found absent).
// Entries are the decoded objects. Keeping the encoded string instead (as written to Redis) took
// about 650 B less heap per user, but decoding it on every event cost the router 8-10 % more CPU
// per event while draining a backlog (interleaved runs), and GC time with it; the engine reuses the
// unchanged parts of a state, so a new entry shares most of its objects with the one it replaces.

import { partitionOf } from './partitioning.js';
import type { StoredUser } from './ports.js';

/** One owned partition's users. */
export class PartitionStates {
  private readonly users = new Map<string, StoredUser | null>();

  has(extension: string): boolean {
    return this.users.has(extension);
  }

  /** undefined = not loaded here; null = loaded and found absent. */
  get(extension: string): StoredUser | null | undefined {
    return this.users.get(extension);
  }

  set(extension: string, user: StoredUser | null): void {
    this.users.set(extension, user);
  }

  delete(extension: string): boolean {
    return this.users.delete(extension);
  }

  get size(): number {
    return this.users.size;
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

  /** Records a committed write unless a newer revision is already cached. */
  static committed(states: PartitionStates, extension: string, user: StoredUser): void {
    if ((states.get(extension)?.rev ?? 0) < user.rev) states.set(extension, user);
  }

  get size(): number {
    let n = 0;
    for (const m of this.parts.values()) n += m.size;
    return n;
  }
}

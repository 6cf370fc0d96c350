// In-memory copy of the committed state of every user in the partitions this instance owns, so
// the decision processor does not read Redis per event and a call is answered from memory.
// Coherent because every commit of an owned partition goes through this instance (the epoch
// fences any other writer) and through here: a committed write updates the entry, a conflict
// evicts it (the next attempt reloads from Redis), losing the partition drops its whole map.
// `null` = the user has no stored state (loaded and found absent).

import { partitionOf } from './partitioning.js';
import type { StoredUser } from './ports.js';

export type PartitionStates = Map<string, StoredUser | null>;

export class OwnedStateCache {
  private readonly parts = new Map<number, PartitionStates>();

  constructor(private readonly partitions: number) {}

  /** Starts caching a partition this instance now owns (empty: filled on first use). */
  open(partition: number): PartitionStates {
    const m: PartitionStates = new Map();
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
    const cur = states.get(extension);
    if (!cur || cur.rev < user.rev) states.set(extension, user);
  }

  get size(): number {
    let n = 0;
    for (const m of this.parts.values()) n += m.size;
    return n;
  }
}

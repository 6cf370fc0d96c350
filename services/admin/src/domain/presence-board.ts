// "Who is where": the latest ScenarioChanged per extension, kept in memory, with listeners for the
// live stream. Older versions never overwrite newer ones.

export interface PresenceEntry {
  readonly extension: string;
  readonly scenarioId: string;
  readonly scenarioName: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly reason: string;
  readonly decidedAt: string;
  readonly version: number;
}

export type PresenceListener = (entry: PresenceEntry) => void;

export class PresenceBoard {
  readonly #entries = new Map<string, PresenceEntry>();
  readonly #listeners = new Set<PresenceListener>();

  apply(entry: PresenceEntry): boolean {
    const current = this.#entries.get(entry.extension);
    if (current && current.version >= entry.version && entry.version !== 0) return false;
    this.#entries.set(entry.extension, entry);
    for (const listener of this.#listeners) listener(entry);
    return true;
  }

  list(): PresenceEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.extension.localeCompare(b.extension));
  }

  subscribe(listener: PresenceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

// Turns the DeviceReported stream (every report router applied) into presence history: a row only
// when a device's place differs from its last recorded one. Each device's last place is kept in
// memory, read once from the table for a device not seen since the start (in the flush, one query
// for all such devices). Only the place name is kept of a report: no network, no signal.
import type { Logger } from '@sa/platform';
import { BatchWriter } from './batch-writer.js';
import type { PgPresenceHistory, PresenceChange } from './presence-history-repo.js';

/** What the recorder takes of a DeviceReported. */
export interface PlaceReport {
  readonly deviceId: string;
  readonly extension: string;
  readonly atMs: number;
  /** '' = no known place */
  readonly placeName: string;
}

interface LastPlace {
  readonly extension: string;
  readonly placeName: string;
  readonly atMs: number;
}

export interface PresenceRecorderOptions {
  readonly maxRows: number;
  readonly flushRows: number;
  readonly flushMs: number;
  readonly logger: Logger;
  readonly onDropped?: (rows: number, reason: 'full' | 'failed') => void;
}

export class PresenceRecorder {
  readonly #last = new Map<string, LastPlace>();
  readonly #out: BatchWriter<PlaceReport>;

  constructor(
    private readonly repo: Pick<PgPresenceHistory, 'insert' | 'lastPlaces'>,
    o: PresenceRecorderOptions,
  ) {
    this.#out = new BatchWriter({ ...o, write: (reports) => this.#write(reports) });
  }

  /** A report: queued when it may be a change (the flush decides for devices not known yet). */
  report(r: PlaceReport): void {
    const last = this.#last.get(r.deviceId);
    if (last && (r.atMs <= last.atMs || (last.placeName === r.placeName && last.extension === r.extension)))
      return;
    this.#out.push(r);
  }

  /** Forgets the user's devices (their history was deleted: the next report starts it again). */
  forget(extension: string): void {
    for (const [id, last] of this.#last) if (last.extension === extension) this.#last.delete(id);
  }

  flush(): Promise<void> {
    return this.#out.flush();
  }

  stop(): Promise<void> {
    return this.#out.stop();
  }

  async #write(reports: readonly PlaceReport[]): Promise<void> {
    const unknown = [...new Set(reports.map((r) => r.deviceId).filter((id) => !this.#last.has(id)))];
    if (unknown.length > 0) {
      for (const [id, last] of await this.repo.lastPlaces(unknown)) this.#last.set(id, last);
    }
    const changes: PresenceChange[] = [];
    for (const r of reports) {
      const last = this.#last.get(r.deviceId);
      if (last && r.atMs <= last.atMs) continue;
      this.#last.set(r.deviceId, { extension: r.extension, placeName: r.placeName, atMs: r.atMs });
      if (last && last.placeName === r.placeName && last.extension === r.extension) continue;
      changes.push(r);
    }
    await this.repo.insert(changes);
  }
}

// Deletes presence and call history older than the retention, at start and every interval (and
// at once when the retention changes). Each statement deletes at most `batchRows` rows, so no
// statement holds its locks for long and concurrent inserts never wait behind a big delete.
import type { Logger } from '@sa/platform';

/** A history table the sweep thins. */
export interface SweptHistory {
  deleteOlderThan(cutoff: Date, limit: number): Promise<number>;
}

export interface RetentionSweepDeps {
  readonly tables: Readonly<Record<string, SweptHistory>>;
  readonly retentionDays: () => Promise<number>;
  readonly clock: () => number;
  readonly intervalMs: number;
  readonly batchRows: number;
  readonly logger: Logger;
  readonly onDeleted?: (table: string, rows: number) => void;
}

export type SweepState = 'idle' | 'running' | 'stopped';

const DAY_MS = 86_400_000;

export class RetentionSweep {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<Record<string, number>> | null = null;
  #again = false;
  #stopped = false;

  constructor(private readonly d: RetentionSweepDeps) {}

  get state(): SweepState {
    return this.#stopped ? 'stopped' : this.#running ? 'running' : 'idle';
  }

  /** Sweeps now, then every interval. */
  start(): void {
    this.kick();
    this.#timer = setInterval(() => this.kick(), this.d.intervalMs);
    this.#timer.unref();
  }

  /** Sweeps as soon as possible (once more after a sweep in progress). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.run().catch((err: unknown) => this.d.logger.warn({ err }, 'retention sweep failed'));
  }

  /** One sweep of every table; resolves with the rows deleted per table. */
  run(): Promise<Record<string, number>> {
    if (this.#running) return this.#running;
    this.#running = this.#sweep().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
    return this.#running;
  }

  /** Stops the timer and waits for a sweep in progress (it stops between batches). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => {});
  }

  async #sweep(): Promise<Record<string, number>> {
    const days = await this.d.retentionDays();
    const cutoff = new Date(this.d.clock() - days * DAY_MS);
    const deleted: Record<string, number> = {};
    for (const [name, table] of Object.entries(this.d.tables)) {
      let total = 0;
      for (;;) {
        const n = await table.deleteOlderThan(cutoff, this.d.batchRows);
        total += n;
        if (n < this.d.batchRows || this.#stopped) break;
        await new Promise((r) => setImmediate(r)); // let inserts and requests in between batches
      }
      deleted[name] = total;
      if (total > 0) this.d.onDeleted?.(name, total);
    }
    if (Object.values(deleted).some((n) => n > 0))
      this.d.logger.info(
        { event: 'retention_swept', retentionDays: days, cutoff: cutoff.toISOString(), deleted },
        `retention sweep: deleted history older than ${days} days`,
      );
    return deleted;
  }
}

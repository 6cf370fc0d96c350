// Buffers rows that arrive one message at a time (presence changes, routed calls: many per second)
// and writes them with one multi-row statement per flush. The buffer is bounded: past `maxRows`
// waiting, new rows are dropped and counted rather than growing memory while Postgres is slow or
// down. A failed write is dropped too (logged and counted): history is a record, not a queue to
// replay, and the next rows should not wait behind a poisoned batch.
import type { Logger } from '@sa/platform';

export interface BatchWriterOptions<T> {
  /** writes the rows with one statement (or a few, for very large flushes) */
  readonly write: (rows: readonly T[]) => Promise<void>;
  /** rows waiting at most (the bound); past it new rows are dropped */
  readonly maxRows: number;
  /** a flush starts as soon as this many rows wait ... */
  readonly flushRows: number;
  /** ... or this long after the first row waits */
  readonly flushMs: number;
  readonly logger: Logger;
  /** rows dropped: 'full' (the bound was reached) or 'failed' (their write failed) */
  readonly onDropped?: (rows: number, reason: 'full' | 'failed') => void;
}

export type BatchWriterState = 'running' | 'stopping' | 'stopped';

export class BatchWriter<T> {
  #rows: T[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #state: BatchWriterState = 'running';
  #fullSince = 0;

  constructor(private readonly o: BatchWriterOptions<T>) {}

  get state(): BatchWriterState {
    return this.#state;
  }

  get waiting(): number {
    return this.#rows.length;
  }

  /** Queues a row; false when it was dropped (buffer full, or stopped). */
  push(row: T): boolean {
    if (this.#state === 'stopped') return false;
    if (this.#rows.length >= this.o.maxRows) {
      // one warning per episode, not per row; the metric counts each row
      if (this.#fullSince === 0) {
        this.#fullSince = Date.now();
        this.o.logger.warn({ waiting: this.#rows.length }, 'history buffer full: rows dropped');
      }
      this.o.onDropped?.(1, 'full');
      return false;
    }
    this.#fullSince = 0;
    this.#rows.push(row);
    if (this.#rows.length >= this.o.flushRows) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.o.flushMs);
    return true;
  }

  /** Writes what waits now (after any flush in progress). Never rejects. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#flushing = this.#flushing.then(() => this.#writeWaiting());
    return this.#flushing;
  }

  /** Stops taking rows and writes those waiting. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopping';
    await this.flush();
    this.#state = 'stopped';
  }

  async #writeWaiting(): Promise<void> {
    while (this.#rows.length > 0) {
      const rows = this.#rows;
      this.#rows = [];
      try {
        await this.o.write(rows);
      } catch (err) {
        this.o.logger.error({ err, rows: rows.length }, 'history rows not written: dropped');
        this.o.onDropped?.(rows.length, 'failed');
      }
    }
  }
}

// Keeps Asterisk's copy of every user's target current: publishes ScenarioChanged and writes the
// AstDB keys through ami-bridge, strictly in version order per user (one write in flight per
// user; a newer decision arriving meanwhile replaces the queued one), retrying with capped
// exponential backoff while ami-bridge is unreachable. Confirmed writes are removed from the
// store's unpushed set, so a restarted router finishes what a crashed one could not.
import type { Logger } from '@sa/platform';
import type { Decision } from '../domain/types.js';
import type { AstDbWriter, ScenarioPublisher, UserStateStore } from './ports.js';
import { UniqueQueue } from './unique-queue.js';

interface Wanted {
  readonly partition: number;
  readonly decision: Decision;
}

export interface AstDbSyncOptions {
  readonly maxInFlight: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export class AstDbSync {
  private readonly wanted = new Map<string, Wanted>();
  private readonly pushedVersion = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  /** users with a write wanted while maxInFlight writes run, in arrival order */
  private readonly waiting = new UniqueQueue<string>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: {
      writer: AstDbWriter;
      publisher: ScenarioPublisher;
      store: Pick<UserStateStore, 'markPushed'>;
      logger: Logger;
      options: AstDbSyncOptions;
      onWritten?: (extension: string, decision: Decision) => void;
    },
  ) {}

  /** A committed decision changed: announce it and write it into Asterisk. */
  push(extension: string, partition: number, decision: Decision): void {
    this.deps.publisher.scenarioChanged(extension, decision);
    this.enqueue(extension, partition, decision, false);
  }

  /**
   * Make sure this version is in Asterisk (a commit whose write was never confirmed): skipped when
   * this instance already wrote it or is writing it, so a start-up re-evaluation followed by the
   * unconfirmed-writes pass does not write every user twice.
   */
  ensure(extension: string, partition: number, decision: Decision): void {
    this.enqueue(extension, partition, decision, false);
  }

  /** Write again even if this version was written before (ami-bridge reconnected). */
  resync(extension: string, partition: number, decision: Decision): void {
    this.enqueue(extension, partition, decision, true);
  }

  private enqueue(extension: string, partition: number, decision: Decision, force: boolean): void {
    if (this.stopped) return;
    const queued = this.wanted.get(extension);
    if (queued && queued.decision.version > decision.version) return;
    if (force) this.pushedVersion.delete(extension);
    this.wanted.set(extension, { partition, decision });
    if (!this.inFlight.has(extension)) this.schedule(extension);
  }

  private schedule(extension: string): void {
    if (this.inFlight.size >= this.deps.options.maxInFlight) {
      this.waiting.add(extension);
      return;
    }
    this.inFlight.add(extension);
    void this.run(extension);
  }

  private async run(extension: string): Promise<void> {
    let failures = 0;
    for (;;) {
      const w = this.wanted.get(extension);
      if (!w || this.stopped) break;
      const done = this.pushedVersion.get(extension) ?? 0;
      if (w.decision.version <= done) {
        this.wanted.delete(extension);
        break;
      }
      try {
        await this.deps.writer.writeTarget(extension, w.decision);
        failures = 0;
        this.pushedVersion.set(extension, w.decision.version);
        if (this.wanted.get(extension) === w) this.wanted.delete(extension);
        this.deps.onWritten?.(extension, w.decision);
        await this.deps.store.markPushed(w.partition, extension, w.decision.version).catch(() => {});
      } catch (err) {
        failures++;
        const delay = Math.min(
          this.deps.options.retryMaxMs,
          this.deps.options.retryBaseMs * 2 ** (failures - 1),
        );
        if (failures === 1 || failures % 10 === 0) {
          this.deps.logger.warn({ extension, failures, err: String(err) }, 'AstDB write failed, retrying');
        }
        await new Promise((r) => setTimeout(r, delay + Math.random() * delay * 0.2));
      }
    }
    this.inFlight.delete(extension);
    const next = this.waiting.take();
    if (next !== undefined) this.schedule(next);
    if (this.inFlight.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when nothing is in flight (tests, graceful stop). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.wanted.clear();
    this.waiting.clear();
  }
}

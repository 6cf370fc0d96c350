// Hands quiet-flag changes to Redis without holding up a batch: the newest change per device wins,
// and a failed write is retried with backoff, so a lost "no longer quiet" cannot leave ingest
// answering a device's reports without the bus while router expects them.
import type { Logger } from '@sa/platform';
import { Backoff, type BackoffPolicy } from '@sa/platform/backoff';
import type { QuietDevice, QuietPresence } from './ports.js';

const MAX_BATCH = 1000;
/** 100 ms doubling to 5 s, without jitter: one loop per router process */
const QUIET_RETRY: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 5000, jitter: 0 };

export class QuietPublisher {
  private readonly pending = new Map<string, QuietDevice>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      quiet: Pick<QuietPresence, 'publish'>;
      logger: Logger;
      retry?: BackoffPolicy;
    },
  ) {}

  publish(devices: readonly QuietDevice[]): void {
    for (const d of devices) this.pending.set(d.device.id, d);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when everything handed over so far is written (or the publisher stopped). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    const retry = new Backoff(this.deps.retry ?? QUIET_RETRY);
    while (this.pending.size > 0 && !this.stopped) {
      const batch: QuietDevice[] = [];
      for (const d of this.pending.values()) if (batch.push(d) >= MAX_BATCH) break;
      try {
        await this.deps.quiet.publish(batch);
        // a change that arrived while this write was in flight stays for the next round
        for (const d of batch) if (this.pending.get(d.device.id) === d) this.pending.delete(d.device.id);
        retry.reset();
      } catch (err) {
        this.deps.logger.warn({ err, devices: batch.length }, 'quiet presence flags not written, retrying');
        await new Promise((r) => setTimeout(r, retry.next()));
      }
    }
  }
}

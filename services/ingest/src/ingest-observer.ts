// Counts every outcome (Prometheus) and writes the rejection line fail2ban matches, rate-limited
// so a flood cannot fill the disk. The line format is a contract: keep `event`, `reason`, `src`, `msg`.
import { Counter, Histogram, type Logger, type Registry } from '@sa/platform';
import {
  DROP_REASONS,
  type DropReason,
  type IngestObserver,
  REJECTION_REASONS,
  type RejectionReason,
} from './domain/ports.js';

export interface ObserverOptions {
  readonly rejectLogPerSec: number;
  readonly nowMs: () => number;
}

export class MetricsIngestObserver implements IngestObserver {
  private readonly rejectedChildren: Record<string, { inc(): void }> = {};
  private readonly droppedChildren: Record<string, { inc(): void }> = {};
  private readonly acceptedTotal: Counter<'kind'>;
  private readonly acceptedChildren = new Map<string, { inc(): void }>();
  private readonly publishLatency: Histogram;
  private logTokens: number;
  private logLastMs: number;
  private suppressed = 0;

  constructor(
    registry: Registry,
    private readonly logger: Logger,
    private readonly options: ObserverOptions,
  ) {
    const rejected = new Counter({
      name: 'sa_ingest_packets_rejected_total',
      help: 'Packets dropped without reply, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const r of REJECTION_REASONS) this.rejectedChildren[r] = rejected.labels(r);
    const dropped = new Counter({
      name: 'sa_ingest_packets_dropped_total',
      help: 'Authenticated packets ingest could not serve (backend trouble or overload), by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const r of DROP_REASONS) this.droppedChildren[r] = dropped.labels(r);
    this.acceptedTotal = new Counter({
      name: 'sa_ingest_packets_accepted_total',
      help: 'Packets that passed every check, by request kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.publishLatency = new Histogram({
      name: 'sa_ingest_publish_latency_seconds',
      help: 'Datagram received -> JetStream publish acknowledged',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.logTokens = options.rejectLogPerSec;
    this.logLastMs = options.nowMs();
  }

  rejected(reason: RejectionReason, src: string): void {
    this.rejectedChildren[reason]!.inc();
    if (!this.mayLog()) return;
    this.logger.warn({ event: 'packet_rejected', reason, src }, `rejected packet from ${src}: ${reason}`);
  }

  dropped(reason: DropReason, src: string, err?: unknown): void {
    this.droppedChildren[reason]!.inc();
    if (!this.mayLog()) return;
    this.logger.error(
      { event: 'packet_dropped', reason, src, err: err ? String(err) : undefined },
      `dropped packet: ${reason}`,
    );
  }

  accepted(kind: string): void {
    let child = this.acceptedChildren.get(kind);
    if (!child) {
      child = this.acceptedTotal.labels(kind);
      this.acceptedChildren.set(kind, child);
    }
    child.inc();
  }

  published(seconds: number): void {
    this.publishLatency.observe(seconds);
  }

  /** token bucket: `rejectLogPerSec` lines per second, burst of twice that; says how many it skipped */
  private mayLog(): boolean {
    const now = this.options.nowMs();
    const rate = this.options.rejectLogPerSec;
    this.logTokens = Math.min(rate * 2, this.logTokens + ((now - this.logLastMs) * rate) / 1000);
    this.logLastMs = now;
    if (this.logTokens < 1) {
      this.suppressed++;
      return false;
    }
    this.logTokens -= 1;
    if (this.suppressed > 0) {
      this.logger.warn(
        { event: 'packet_log_suppressed', count: this.suppressed },
        `${this.suppressed} rejection log lines suppressed`,
      );
      this.suppressed = 0;
    }
    return true;
  }
}

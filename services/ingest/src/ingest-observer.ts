// Counts every outcome (Prometheus) and writes the rejection line fail2ban matches. The line format
// is a contract: keep `event`, `reason`, `src`, `transport`, `msg`.
// Lines are rate-limited so a flood cannot fill the disk, per source address and transport first
// (`rejectLogPerSec`, burst 2x; the bounded two-generation table of the per-address rate limiter),
// so a flood from one address never hides another address's lines; then per transport in total
// (`rejectLogTotalPerSec`, burst 2x), which only many addresses at once can reach, and a UDP flood
// from forged addresses never eats the HTTP budget (the lines the shipped jail bans on). RADIUS
// accounting rejections (docs/radius.md) write the same line with "transport":"radius", under a
// budget of their own.
import { Counter, Histogram, type Logger, type Registry } from '@sa/platform';
import {
  ACCOUNTING_STATUSES,
  type AccountingStatus,
  DROP_REASONS,
  type DropReason,
  type IngestObserver,
  RADIUS_DROP_REASONS,
  RADIUS_IGNORE_REASONS,
  RADIUS_REJECTION_REASONS,
  type RadiusDropReason,
  type RadiusIgnoreReason,
  type RadiusObserver,
  type RadiusRejectionReason,
  REJECTION_REASONS,
  type RejectionReason,
  type Transport,
} from './domain/ports.js';
import { TokenBucketTable } from './domain/token-bucket-table.js';

export interface ObserverOptions {
  /** log lines per second per source address and transport (burst 2x) */
  readonly rejectLogPerSec: number;
  /** log lines per second per transport, all addresses together (burst 2x) */
  readonly rejectLogTotalPerSec: number;
  /** bound on the per-address table: the last half of it in distinct addresses is remembered */
  readonly rejectLogTableSize: number;
  readonly nowMs: () => number;
}

const SUMMARY_EVERY_MS = 1000;

/** where a rejection came from, as the log line's "transport" says: RADIUS accounting is UDP too */
type LogTransport = Transport | 'radius';

export class MetricsIngestObserver implements IngestObserver, RadiusObserver {
  private readonly rejectedChildren: Record<string, { inc(): void }> = {};
  private readonly droppedChildren: Record<string, { inc(): void }> = {};
  private readonly acceptedTotal: Counter<'kind'>;
  private readonly acceptedChildren = new Map<string, { inc(): void }>();
  private readonly publishLatency: Histogram;
  private readonly unchangedLatency: Histogram;
  private readonly perSource: TokenBucketTable;
  private readonly perTransport: Record<LogTransport, TokenBucketTable>;
  private readonly radius: {
    readonly rejected: Record<string, { inc(): void }>;
    readonly dropped: Record<string, { inc(): void }>;
    readonly ignored: Record<string, { inc(): void }>;
    readonly accepted: Record<string, { inc(): void }>;
    readonly duplicates: { inc(): void };
    readonly answered: { inc(): void };
  };
  private suppressed = 0;
  private summaryAtMs = 0;

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
    this.unchangedLatency = new Histogram({
      name: 'sa_ingest_presence_unchanged_seconds',
      help: 'Datagram received -> liveness of an unchanged presence report recorded (no bus message)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.perSource = new TokenBucketTable({
      perSecond: options.rejectLogPerSec,
      burst: 2 * options.rejectLogPerSec,
      maxEntries: options.rejectLogTableSize,
    });
    const total = () =>
      new TokenBucketTable({
        perSecond: options.rejectLogTotalPerSec,
        burst: 2 * options.rejectLogTotalPerSec,
        maxEntries: 2,
      });
    this.perTransport = { udp: total(), http: total(), radius: total() };
    this.radius = {
      rejected: labelled(
        new Counter({
          name: 'sa_ingest_radius_rejected_total',
          help: 'RADIUS accounting requests dropped without an answer (docs/radius.md), by reason',
          labelNames: ['reason'],
          registers: [registry],
        }),
        RADIUS_REJECTION_REASONS,
      ),
      dropped: labelled(
        new Counter({
          name: 'sa_ingest_radius_dropped_total',
          help: 'Valid RADIUS accounting requests not answered because ingest could not store them, by reason',
          labelNames: ['reason'],
          registers: [registry],
        }),
        RADIUS_DROP_REASONS,
      ),
      ignored: labelled(
        new Counter({
          name: 'sa_ingest_radius_ignored_total',
          help: 'Valid RADIUS accounting requests answered without publishing, by reason (unknown_mac: not a registered device)',
          labelNames: ['reason'],
          registers: [registry],
        }),
        RADIUS_IGNORE_REASONS,
      ),
      accepted: labelled(
        new Counter({
          name: 'sa_ingest_radius_accepted_total',
          help: 'RADIUS accounting requests from a known client with a valid authenticator, by Acct-Status-Type (retransmissions not counted)',
          labelNames: ['status'],
          registers: [registry],
        }),
        ACCOUNTING_STATUSES,
      ),
      duplicates: new Counter({
        name: 'sa_ingest_radius_duplicates_total',
        help: 'RADIUS accounting retransmissions answered again without a second publish',
        registers: [registry],
      }),
      answered: new Counter({
        name: 'sa_ingest_radius_answered_total',
        help: 'Accounting-Responses sent',
        registers: [registry],
      }),
    };
  }

  radiusRejected(reason: RadiusRejectionReason, src: string): void {
    this.radius.rejected[reason]!.inc();
    if (!this.mayLog(src, 'radius')) return;
    this.logger.warn(
      { event: 'packet_rejected', reason, src, transport: 'radius' },
      `rejected packet from ${src}: ${reason}`,
    );
  }

  radiusDropped(reason: RadiusDropReason, src: string, err?: unknown): void {
    this.radius.dropped[reason]!.inc();
    if (!this.mayLog(src, 'radius')) return;
    this.logger.error(
      { event: 'packet_dropped', reason, src, transport: 'radius', err },
      `dropped accounting request: ${reason}`,
    );
  }

  radiusAccepted(status: AccountingStatus): void {
    this.radius.accepted[status]!.inc();
  }

  radiusIgnored(reason: RadiusIgnoreReason): void {
    this.radius.ignored[reason]!.inc();
  }

  radiusDuplicate(): void {
    this.radius.duplicates.inc();
  }

  radiusAnswered(): void {
    this.radius.answered.inc();
  }

  rejected(reason: RejectionReason, src: string, transport: Transport): void {
    this.rejectedChildren[reason]!.inc();
    if (!this.mayLog(src, transport)) return;
    this.logger.warn(
      { event: 'packet_rejected', reason, src, transport },
      `rejected packet from ${src}: ${reason}`,
    );
  }

  dropped(reason: DropReason, src: string, transport: Transport, err?: unknown): void {
    this.droppedChildren[reason]!.inc();
    if (!this.mayLog(src, transport)) return;
    this.logger.error({ event: 'packet_dropped', reason, src, transport, err }, `dropped packet: ${reason}`);
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

  unchanged(seconds: number): void {
    this.unchangedLatency.observe(seconds);
  }

  /** Says whether this line may be written; counts the ones it skips and, at most once a second, says how many. */
  private mayLog(src: string, transport: LogTransport): boolean {
    const now = this.options.nowMs();
    const ok = this.perSource.take(`${transport} ${src}`, now) && this.perTransport[transport].take('', now);
    if (!ok) this.suppressed++;
    if (this.suppressed > 0 && now - this.summaryAtMs >= SUMMARY_EVERY_MS) {
      this.summaryAtMs = now;
      this.logger.warn(
        { event: 'packet_log_suppressed', count: this.suppressed },
        `${this.suppressed} rejection log lines suppressed`,
      );
      this.suppressed = 0;
    }
    return ok;
  }
}

/** One child per label value, created up front so every value shows as 0 from the start. */
function labelled(counter: Counter<string>, values: readonly string[]): Record<string, { inc(): void }> {
  return Object.fromEntries(values.map((v) => [v, counter.labels(v)]));
}

// Ingest's side of change-driven presence in Redis (@sa/platform quiet-presence). Reports are
// collected for one event-loop turn, like the replay checks: one MGET of their devices' quiet
// fingerprints, then one ZADD (GT: never moves a device's liveness back) for the unchanged ones,
// awaited before they are answered, so what the reply stands for is durable. A published (changed)
// report leaves its counter beside the mark: no report is quiet until router has applied it.
import {
  decodeQuiet,
  livenessMember,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  type Redis,
} from '@sa/platform';
import type { QuietReports } from '../../domain/ports.js';

type Report = Parameters<QuietReports['recordIfUnchanged']>[0];

interface Pending {
  readonly report: Report;
  readonly resolve: (unchanged: boolean) => void;
  readonly reject: (err: unknown) => void;
}

export class RedisQuietReports implements QuietReports {
  private readonly keys: ReturnType<typeof quietPresenceKeys>;
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    busPrefix: string,
  ) {
    this.keys = quietPresenceKeys(busPrefix);
  }

  recordIfUnchanged(report: Report): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ report, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  async published(recordId: string, counter: number): Promise<void> {
    await this.redis.set(this.keys.published(recordId), String(counter), 'PX', QUIET_TTL_MS);
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      // each report's quiet mark and published counter, side by side
      const stored = await this.redis.mget(
        ...batch.flatMap((p) => [this.keys.quiet(p.report.recordId), this.keys.published(p.report.recordId)]),
      );
      const unchanged = batch.map((p, i) =>
        matches(p.report, stored[2 * i] ?? null, stored[2 * i + 1] ?? null),
      );
      const liveness: (number | string)[] = [];
      for (const [i, p] of batch.entries())
        if (unchanged[i]) liveness.push(p.report.atMs, livenessMember(p.report.extension, p.report.recordId));
      if (liveness.length > 0) await this.redis.zadd(this.keys.liveness, 'GT', ...liveness);
      for (const [i, p] of batch.entries()) p.resolve(unchanged[i]!);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

/** Unchanged: the mark's networks, and router has applied every report published (its counter). */
function matches(report: Report, raw: string | null, published: string | null): boolean {
  const quiet = raw === null ? null : decodeQuiet(raw);
  if (!quiet) return false;
  if (published !== null && quiet.counter < Number(published)) return false;
  return presenceFingerprint(report.connected, report.visible, quiet.settings) === quiet.fingerprint;
}

// Ingest's side of change-driven presence in Redis (@sa/platform quiet-presence). Reports are
// collected for one event-loop turn, like the replay checks: one MGET of their devices' quiet
// fingerprints, then one ZADD (GT: never moves a device's liveness back) for the unchanged ones,
// awaited before they are answered, so what the reply stands for is durable. A changed report (to
// be published) replaces the device's mark, if any, with a tombstone in the same pipeline: no
// report is quiet until router has applied it (set before the publish: one that then fails only
// costs a quiet answer).
import {
  decodeQuiet,
  livenessMember,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  quietTombstone,
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

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const stored = await this.redis.mget(...batch.map((p) => this.keys.quiet(p.report.recordId)));
      const unchanged = batch.map((p, i) => matches(p.report, stored[i] ?? null));
      // one pipeline: the unchanged reports' liveness, and a tombstone in place of the mark of each
      // report about to be published (no report is quiet until router has applied it)
      const writes = this.redis.pipeline();
      const liveness: (number | string)[] = [];
      for (const [i, p] of batch.entries()) {
        const { report } = p;
        if (unchanged[i]) liveness.push(report.atMs, livenessMember(report.extension, report.recordId));
        else writes.set(this.keys.quiet(report.recordId), quietTombstone(report.counter), 'PX', QUIET_TTL_MS);
      }
      if (liveness.length > 0) writes.zadd(this.keys.liveness, 'GT', ...liveness);
      const failed = ((await writes.exec()) ?? []).find(([err]) => err);
      if (failed) throw failed[0];
      for (const [i, p] of batch.entries()) p.resolve(unchanged[i]!);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

/** Unchanged: a mark (not a tombstone) with the report's networks. */
function matches(report: Report, raw: string | null): boolean {
  const quiet = raw === null ? null : decodeQuiet(raw);
  if (!quiet) return false;
  return presenceFingerprint(report.connected, report.visible, quiet.settings) === quiet.fingerprint;
}

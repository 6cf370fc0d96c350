// Ingest's side of change-driven presence in Redis (@sa/platform quiet-presence). Reports are
// collected for one event-loop turn, like the replay checks: one MGET of their devices' quiet
// fingerprints, then one ZADD (GT: never moves a device's liveness back) for the unchanged ones,
// awaited before they are answered, so what the reply stands for is durable. A changed report (to
// be published) replaces the device's mark, if any, with a tombstone in the same pipeline: no
// report is quiet until router has applied it (set before the publish: one that then fails only
// costs a quiet answer). Once JetStream has stored a published report, its tombstone gets the
// report's fingerprint (compare-and-set: only if it is still that report's); until router has applied
// it, an identical report is answered like a quiet one (liveness only): when router falls behind, a
// device costs one bus message, not one per report, so the backlog cannot grow without end.
import {
  decodeQuiet,
  decodeStoredTombstone,
  type FingerprintSettings,
  livenessMember,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  quietTombstone,
  type Redis,
  STORED_TOMBSTONE_TTL_MS,
  storedTombstone,
} from '@sa/platform';
import type { QuietReports } from '../../domain/ports.js';

type Report = Parameters<QuietReports['recordIfUnchanged']>[0];

// KEYS[1] a device's quiet key; ARGV: the tombstone expected, its stored form, ttl ms.
const STORED_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;
type WithStored = { saQuietStored(key: string, expected: string, stored: string, ttlMs: number): unknown };

interface Pending {
  readonly report: Report;
  readonly resolve: (unchanged: boolean) => void;
  readonly reject: (err: unknown) => void;
}

export class RedisQuietReports implements QuietReports {
  private readonly keys: ReturnType<typeof quietPresenceKeys>;
  private queue: Pending[] = [];
  private scheduled = false;
  private storedQueue: Report[] = [];
  /** router's matching settings, as the last mark read carried them (the same for every device) */
  private settings: FingerprintSettings | null = null;

  constructor(
    private readonly redis: Redis,
    busPrefix: string,
  ) {
    this.keys = quietPresenceKeys(busPrefix);
    redis.defineCommand('saQuietStored', { numberOfKeys: 1, lua: STORED_LUA });
  }

  /** Best effort, collected for one event-loop turn: without it, identical reports are published. */
  stored(report: Report): void {
    if (!this.settings) return;
    this.storedQueue.push(report);
    if (this.storedQueue.length === 1) setImmediate(() => void this.flushStored());
  }

  private async flushStored(): Promise<void> {
    const batch = this.storedQueue;
    this.storedQueue = [];
    const settings = this.settings!;
    const p = this.redis.pipeline() as ReturnType<Redis['pipeline']> & WithStored;
    for (const r of batch) {
      const fingerprint = presenceFingerprint(r.connected, r.visible, settings);
      p.saQuietStored(
        this.keys.quiet(r.recordId),
        quietTombstone(r.counter),
        storedTombstone(r.counter, settings, fingerprint),
        STORED_TOMBSTONE_TTL_MS,
      );
    }
    await p.exec().catch(() => {}); // lost: those devices' identical reports are published
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
      const unchanged = batch.map((p, i) => this.matches(p.report, stored[i] ?? null));
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

  /** Unchanged: a mark, or a stored tombstone (its report not applied yet), with the report's networks. */
  private matches(report: Report, raw: string | null): boolean {
    if (raw === null) return false;
    const known = raw.startsWith('~') ? decodeStoredTombstone(raw) : decodeQuiet(raw);
    if (!known) return false;
    this.settings = known.settings;
    return presenceFingerprint(report.connected, report.visible, known.settings) === known.fingerprint;
  }
}

// Ingest's side of change-driven presence in Redis (@sa/platform quiet-presence). Reports are
// collected for one event-loop turn, like the replay checks: one MGET of their devices' quiet keys
// (and one of the pending keys of those holding a tombstone), then one ZADD (GT: never moves a
// device's liveness back) for the unchanged ones, awaited before they are answered, so what the
// reply stands for is durable. A changed report (to be published) replaces the device's mark, if
// any, with a tombstone in the same pipeline: no report is quiet until router has applied it (set
// before the publish: one that then fails only costs a quiet answer).
//
// While router is behind (docs/performance.md, "A router that falls behind no longer feeds its
// backlog"), a report identical to the device's published one that router has still to apply is
// answered like an unchanged one: once JetStream stored that report, its counter, stream sequence
// and fingerprint are written to the pending key (only if its tombstone still stands), and an
// identical report counts as unchanged while the tombstone is that report's and its partition
// durable has not acknowledged that sequence (read from JetStream, never from Redis:
// partition-ack-floors.ts).
import {
  decodePending,
  decodeQuiet,
  encodePending,
  type FingerprintSettings,
  livenessMember,
  PENDING_TTL_MS,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  quietTombstone,
  type Redis,
} from '@sa/platform';
import type { QuietReports } from '../../domain/ports.js';

type Report = Parameters<QuietReports['recordIfUnchanged']>[0];

/** Router's acknowledged floors: whether the report stored at `seq` is still to be applied. */
export interface StreamFloors {
  waiting(extension: string, seq: number): boolean;
}

// KEYS[1] the device's quiet key, KEYS[2] its pending key; ARGV: the report's tombstone, the pending
// value, ttl ms. Written only while the tombstone is this report's: a later report's stands instead.
const PENDING_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
`;
type WithPending = {
  saQuietPending(quiet: string, pending: string, tombstone: string, value: string, ttlMs: number): unknown;
};

interface Pending {
  readonly report: Report;
  readonly resolve: (unchanged: boolean) => void;
  readonly reject: (err: unknown) => void;
}

export class RedisQuietReports implements QuietReports {
  private readonly keys: ReturnType<typeof quietPresenceKeys>;
  private queue: Pending[] = [];
  private scheduled = false;
  private storedQueue: { report: Report; seq: number }[] = [];
  /** reports answered as repeats of one router has still to apply (sa_ingest_presence_waiting_total) */
  waitingAnswered = 0;
  /** router's matching settings, as the last mark read carried them (the same for every device) */
  private settings: FingerprintSettings | null = null;

  constructor(
    private readonly redis: Redis,
    busPrefix: string,
    /** absent: a report is unchanged only when it matches router's mark */
    private readonly floors?: StreamFloors,
  ) {
    this.keys = quietPresenceKeys(busPrefix);
    if (floors) redis.defineCommand('saQuietPending', { numberOfKeys: 2, lua: PENDING_LUA });
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

  /** Best effort, collected for one event-loop turn: lost, the device's identical reports are published. */
  stored(report: Report, seq: number): void {
    if (!this.floors || !this.settings || seq <= 0) return;
    this.storedQueue.push({ report, seq });
    if (this.storedQueue.length === 1) setImmediate(() => void this.flushStored());
  }

  private async flushStored(): Promise<void> {
    const batch = this.storedQueue;
    this.storedQueue = [];
    const s = this.settings!;
    const p = this.redis.pipeline() as ReturnType<Redis['pipeline']> & WithPending;
    for (const { report: r, seq } of batch) {
      const fingerprint = presenceFingerprint(r.connected, r.visible, s);
      const value = encodePending(r.counter, seq, s, fingerprint);
      p.saQuietPending(
        this.keys.quiet(r.recordId),
        this.keys.pending(r.recordId),
        quietTombstone(r.counter),
        value,
        PENDING_TTL_MS,
      );
    }
    await p.exec().catch(() => {});
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const stored = await this.redis.mget(...batch.map((p) => this.keys.quiet(p.report.recordId)));
      const pending = await this.pendingOf(batch, stored);
      const unchanged = batch.map((p, i) =>
        this.matches(p.report, stored[i] ?? null, pending.get(i) ?? null),
      );
      // one pipeline: the unchanged reports' liveness, and a tombstone in place of the mark of each
      // report about to be published (no report is quiet until router has applied it)
      const writes = this.redis.pipeline();
      const liveness: (number | string)[] = [];
      for (const [i, p] of batch.entries()) {
        const { report } = p;
        if (unchanged[i] !== false)
          liveness.push(report.atMs, livenessMember(report.extension, report.recordId));
        else writes.set(this.keys.quiet(report.recordId), quietTombstone(report.counter), 'PX', QUIET_TTL_MS);
      }
      if (liveness.length > 0) writes.zadd(this.keys.liveness, 'GT', ...liveness);
      const failed = ((await writes.exec()) ?? []).find(([err]) => err);
      if (failed) throw failed[0];
      for (const [i, p] of batch.entries()) {
        if (unchanged[i] === 'waiting') this.waitingAnswered++;
        p.resolve(unchanged[i] !== false);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /**
   * The pending keys of the reports whose device holds a tombstone (a published report router may
   * not have applied yet), by batch index: a second MGET, only when there are such devices (in
   * normal running only movers), so a settled fleet's reports cost one lookup as before.
   */
  private async pendingOf(batch: readonly Pending[], stored: readonly (string | null)[]) {
    const out = new Map<number, string | null>();
    if (!this.floors) return out;
    const at: number[] = [];
    for (const [i, raw] of stored.entries()) if (raw?.startsWith('~')) at.push(i);
    if (at.length === 0) return out;
    const values = await this.redis.mget(...at.map((i) => this.keys.pending(batch[i]!.report.recordId)));
    for (const [k, i] of at.entries()) out.set(i, values[k] ?? null);
    return out;
  }

  /**
   * Unchanged: a mark (not a tombstone) with the report's networks, or the tombstone of a published
   * report with the same networks that router has still to apply.
   */
  private matches(report: Report, quiet: string | null, pending: string | null): boolean | 'waiting' {
    if (quiet === null) return false;
    if (quiet.startsWith('~')) return this.matchesWaiting(report, quiet, pending) && 'waiting';
    const mark = decodeQuiet(quiet);
    if (!mark) return false;
    this.settings = mark.settings;
    return presenceFingerprint(report.connected, report.visible, mark.settings) === mark.fingerprint;
  }

  private matchesWaiting(report: Report, tombstone: string, raw: string | null): boolean {
    const p = raw === null ? null : decodePending(raw);
    if (!p || !this.floors || tombstone !== quietTombstone(p.counter)) return false;
    if (presenceFingerprint(report.connected, report.visible, p.settings) !== p.fingerprint) return false;
    return this.floors.waiting(report.extension, p.seq);
  }
}

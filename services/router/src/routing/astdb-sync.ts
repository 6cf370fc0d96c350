// Keeps Asterisk's copy of every user's target current: publishes ScenarioChanged and writes the
// AstDB keys through ami-bridge, strictly in version order per user (one write in flight per
// user; a newer decision arriving meanwhile replaces the queued one), retrying with capped
// exponential backoff while ami-bridge is unreachable. Confirmed writes are removed from the
// store's unpushed set, so a restarted router finishes what a crashed one could not.
//
// Each confirmed write is remembered with the AMI session it was sent in (a count this instance
// bumps when it learns of a new AMI login, `amiSessionBegan`). `resync` asks for a version to be
// in the current session's Asterisk, so two resync triggers for one login, or a resync beside a
// start-up re-evaluation, write a user once; no request ever writes a version older than one
// already written.
//
// A changed decision (a user who moved) waits for a slot ahead of every resync, ensure and repair
// write: a partition taken over or a new AMI login rewrites thousands of unchanged targets, and a
// move queued behind them reached Asterisk seconds late (the chaos test: 5,000 writes ahead of it).
import type { Logger } from '@sa/platform';
import { type BackoffPolicy, backoffDelayMs } from '@sa/platform/backoff';
import type { Decision } from '../domain/types.js';
import type { AstDbWriter, ScenarioPublisher, UserStateStore } from './ports.js';
import { UniqueQueue } from './unique-queue.js';

interface Wanted {
  readonly partition: number;
  readonly decision: Decision;
  /** satisfied by a write of this version sent in this AMI session or a later one */
  readonly minSession: number;
}

interface Written {
  /** what the write put in AstDB (its target and scenario name) and its version */
  readonly decision: Decision;
  readonly session: number;
  /** writeCount() right after it was confirmed */
  readonly count: number;
  readonly partition: number;
  /**
   * Its version says nothing any more: the partition's stored states may have lost the commit it
   * came from (forgetVersions), so a decision is written unless it puts the same keys.
   */
  readonly unversioned: boolean;
}

/** The keys a write puts in AstDB (targetWritePlan reads only these of a decision). */
const sameKeys = (a: Decision, b: Decision) =>
  a.targetDial === b.targetDial && a.scenarioName === b.scenarioName;

export interface AstDbSyncOptions {
  readonly maxInFlight: number;
  /** wait before re-sending a failed write; `attempt` counts that extension's failures in a row */
  readonly retry: BackoffPolicy;
}

export class AstDbSync {
  private readonly wanted = new Map<string, Wanted>();
  private readonly written = new Map<string, Written>();
  private session = 0;
  private confirmed = 0;
  /** bumped by forgetVersions: a write sent before it is kept unversioned */
  private forgets = 0;
  private readonly inFlight = new Set<string>();
  /** users with a write wanted while maxInFlight writes run, in arrival order: changed decisions first */
  private readonly changed = new UniqueQueue<string>();
  private readonly waiting = new UniqueQueue<string>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** writes waiting out a retry delay: a new AMI session (ami-bridge back) wakes them at once */
  private readonly sleeping = new Set<() => void>();

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
    this.enqueue(extension, partition, decision, 0, true);
  }

  /**
   * Make sure this version is in Asterisk (a commit whose write was never confirmed): skipped when
   * this instance already wrote it or is writing it, so a start-up re-evaluation followed by the
   * unconfirmed-writes pass does not write every user twice.
   */
  ensure(extension: string, partition: number, decision: Decision): void {
    this.enqueue(extension, partition, decision, 0);
  }

  /** Asterisk may have lost what was written so far (a new AMI login): see `resync`. */
  amiSessionBegan(): void {
    this.session++;
    for (const wake of [...this.sleeping]) wake();
  }

  /**
   * Write this version again unless it (or a newer one) was written since the last
   * `amiSessionBegan` (ami-bridge reconnected, or a partition was taken while AMI was up).
   */
  resync(extension: string, partition: number, decision: Decision): void {
    this.enqueue(extension, partition, decision, this.session);
  }

  /**
   * The partition's stored states may have lost their last commits (a Redis failover): decisions
   * derived from them again can repeat a version already written here with another target, or stay
   * below it, and would be skipped as written (the chaos run: a move acknowledged, never written,
   * until the user's next change). What this instance wrote for the partition's users is compared
   * by the keys it put from now on, and writes queued from the old states are dropped: the restarted
   * partition's re-evaluation, unconfirmed writes and resync queue the current ones.
   */
  forgetVersions(partition: number): void {
    this.forgets++;
    for (const [ext, w] of this.written)
      if (w.partition === partition && !w.unversioned) this.written.set(ext, { ...w, unversioned: true });
    for (const [ext, w] of this.wanted) if (w.partition === partition) this.wanted.delete(ext);
  }

  /** How many writes were confirmed so far; the Follow-Me check takes it before it reads AstDB. */
  writeCount(): number {
    return this.confirmed;
  }

  /**
   * Write this version again even though it was written in this AMI session: Asterisk's copy was
   * changed behind router's back (FreePBX reload or Follow Me page save, seen by the Follow-Me
   * check). Never writes a version older than one already written or queued.
   * `readAt` is writeCount() from before the keys were read. Only a user this instance wrote
   * before readAt, with no write of it queued or running, is repaired: a queued or running write
   * puts every key back anyway; before this instance's first write (start-up, a partition just
   * taken) the resync or the decision's own write will; and a read older than router's last write
   * says nothing about FreePBX (the next check looks again). Returns whether a write was queued.
   */
  repair(extension: string, partition: number, decision: Decision, readAt: number): boolean {
    if (this.stopped || this.wanted.has(extension) || this.inFlight.has(extension)) return false;
    const done = this.written.get(extension);
    if (!done || done.count > readAt) return false;
    this.enqueue(extension, partition, decision, Number.POSITIVE_INFINITY);
    return true;
  }

  private enqueue(
    extension: string,
    partition: number,
    decision: Decision,
    minSession: number,
    changed = false,
  ): void {
    if (this.stopped) return;
    const queued = this.wanted.get(extension);
    if (queued && queued.decision.version > decision.version) return;
    const min =
      queued?.decision.version === decision.version ? Math.max(queued.minSession, minSession) : minSession;
    this.wanted.set(extension, { partition, decision, minSession: min });
    if (!this.inFlight.has(extension)) this.schedule(extension, changed);
  }

  private isWritten(extension: string, w: Wanted): boolean {
    const done = this.written.get(extension);
    if (!done) return false;
    if (done.unversioned) {
      if (!sameKeys(done.decision, w.decision) || done.session < w.minSession) return false;
      // the same keys are in AstDB: from here on this version guards them again
      this.written.set(extension, { ...done, decision: w.decision, unversioned: false });
      return true;
    }
    const version = done.decision.version;
    return version > w.decision.version || (version === w.decision.version && done.session >= w.minSession);
  }

  private schedule(extension: string, changed: boolean): void {
    if (this.inFlight.size >= this.deps.options.maxInFlight) {
      if (!changed) {
        if (!this.changed.has(extension)) this.waiting.add(extension);
      } else if (this.changed.add(extension)) this.waiting.delete(extension);
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
      if (this.isWritten(extension, w)) {
        this.wanted.delete(extension);
        break;
      }
      // the session the write is sent in: ami-bridge executes it in that AMI login or a later one
      const session = this.session;
      const forgets = this.forgets;
      try {
        await this.deps.writer.writeTarget(extension, w.decision);
        failures = 0;
        this.written.set(extension, {
          decision: w.decision,
          session,
          count: ++this.confirmed,
          partition: w.partition,
          unversioned: forgets !== this.forgets,
        });
        if (this.wanted.get(extension) === w) this.wanted.delete(extension);
        this.deps.onWritten?.(extension, w.decision);
        await this.deps.store.markPushed(w.partition, extension, w.decision.version).catch(() => {});
      } catch (err) {
        failures++;
        const delay = backoffDelayMs(this.deps.options.retry, failures - 1);
        if (failures === 1 || failures % 10 === 0) {
          this.deps.logger.warn({ extension, failures, err }, 'AstDB write failed, retrying');
        }
        await this.sleep(delay);
      }
    }
    this.inFlight.delete(extension);
    const next = this.changed.take() ?? this.waiting.take();
    if (next !== undefined) this.schedule(next, false);
    if (this.inFlight.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Waits `ms` unless woken sooner (amiSessionBegan, stop): a retry right after ami-bridge came back. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  /** Resolves when nothing is in flight (tests, graceful stop). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    for (const wake of [...this.sleeping]) wake();
    this.wanted.clear();
    this.changed.clear();
    this.waiting.clear();
  }
}

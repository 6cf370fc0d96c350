// Applies a batch of events (grouped per user, in stream order) to the users' stored state:
// load all (from the owned-partition cache, Redis only for misses) -> step the engine -> commit
// all (compare-and-set, fenced by the partition epoch; issued in chunks with a yield between
// them so call requests are served while a large batch is computed) -> hand changed decisions to
// the effects, and every applied presence report to `reports`. A user whose commit lost a race is evicted from the cache, reloaded and
// re-applied; events already applied are skipped by their counters, so retries are idempotent.
//
// Batches may overlap (the consumer evaluates the next batch while the previous one's commit is in
// flight; sweeps and config re-evaluations run beside it). Per-user order holds because every
// user of a batch is marked in flight until that batch finishes: a later batch evaluates its other
// users at once and a marked user only after the earlier batch settled (from the state it
// committed). If the earlier batch failed, the later one fails for that user too (never applies
// newer events over a gap); the consumer then retries both, and counters make that idempotent.
import type { Logger } from '@sa/platform';
import { step } from '../domain/scenario-engine.js';
import {
  type DeviceRecord,
  type EngineSettings,
  emptyUserState,
  type RouterEvent,
  type UserState,
} from '../domain/types.js';
import type { AstDbSync } from './astdb-sync.js';
import { livenessLookups, needsEveryDevice, withLiveness } from './liveness-merge.js';
import type {
  CommitOutcome,
  DeviceReportPublisher,
  QuietDevice,
  QuietPresence,
  RulesSource,
  StoredUser,
  UserCommit,
  UserStateStore,
} from './ports.js';
import type { QuietPublisher } from './quiet-publisher.js';
import type { OwnedStateCache } from './state-cache.js';
import { encodeState } from './state-codec.js';

export interface ProcessResult {
  readonly fenced: boolean;
  readonly committed: number;
  readonly changed: number;
}

const MAX_ATTEMPTS = 5;
/** users computed and sent to Redis between two yields to the event loop */
const CHUNK = 64;
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

export class DecisionProcessor {
  constructor(
    private readonly deps: {
      store: UserStateStore;
      rules: RulesSource;
      effects: Pick<AstDbSync, 'push'>;
      /** told of every applied presence report (DeviceReported), after its commit */
      reports?: DeviceReportPublisher;
      settings: EngineSettings;
      clock: () => number;
      logger: Logger;
      cache?: OwnedStateCache;
      /** change-driven presence: liveness merged before each step ... */
      quiet?: Pick<QuietPresence, 'lastSeen'>;
      /** ... and quiet flags published after each commit (latest wins, retried) */
      quietOut?: Pick<QuietPublisher, 'publish'>;
    },
  ) {}

  /** user -> settles (true = ok) when the batch that last took the user finishes */
  private readonly inFlight = new Map<string, Promise<boolean>>();

  async process(
    partition: number,
    epoch: number,
    batch: ReadonlyMap<string, readonly RouterEvent[]>,
  ): Promise<ProcessResult> {
    let settle!: (ok: boolean) => void;
    const mine = new Promise<boolean>((r) => {
      settle = r;
    });
    const free: string[] = [];
    const blocked: string[] = [];
    const earlier = new Set<Promise<boolean>>();
    for (const extension of batch.keys()) {
      const before = this.inFlight.get(extension);
      if (before) {
        blocked.push(extension);
        earlier.add(before);
      } else free.push(extension);
      this.inFlight.set(extension, mine);
    }
    let ok = false;
    try {
      const runs = [this.run(partition, epoch, batch, free)];
      if (blocked.length > 0)
        runs.push(
          Promise.all(earlier).then((oks) => {
            if (!oks.every(Boolean)) throw new Error('an earlier batch of the same users was not committed');
            return this.run(partition, epoch, batch, blocked);
          }),
        );
      // settled, not all: a failed half must not leave the other half running unmarked
      const settled = await Promise.allSettled(runs);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const results = settled.map((r) => (r as PromiseFulfilledResult<ProcessResult>).value);
      ok = true;
      return {
        fenced: results.some((r) => r.fenced),
        committed: results.reduce((n, r) => n + r.committed, 0),
        changed: results.reduce((n, r) => n + r.changed, 0),
      };
    } finally {
      for (const extension of batch.keys())
        if (this.inFlight.get(extension) === mine) this.inFlight.delete(extension);
      settle(ok);
    }
  }

  /** Every device whose presence counter the batch advanced: its newest report and the decision. */
  private announceReports(extension: string, before: readonly DeviceRecord[], after: UserState): void {
    // paused location: the reports were taken for their counters only; there is nothing to show
    if (this.deps.rules.get(extension)?.locationPaused) return;
    for (const device of after.devices) {
      let previous = 0;
      for (const b of before) if (b.id === device.id) previous = b.counter;
      if (device.counter <= previous) continue;
      const locationName = device.location
        ? (this.deps.rules.get(extension)?.locations.find((l) => l.id === device.location)?.name ?? '')
        : '';
      this.deps.reports!.deviceReported({ extension, device, locationName, decision: after.decision });
    }
  }

  /**
   * When ingest last saw the quiet devices of these users, and every device of those whose timeouts
   * are decided or whose reports came late (needsEveryDevice): one Redis call, none when no device
   * is asked for.
   */
  private async liveness(
    users: readonly string[],
    loaded: (extension: string) => StoredUser | null | undefined,
    batch: ReadonlyMap<string, readonly RouterEvent[]>,
    nowMs: number,
  ): Promise<ReadonlyMap<string, number>> {
    if (!this.deps.quiet) return noLiveness;
    const devices: { extension: string; recordId: string }[] = [];
    for (const extension of users)
      livenessLookups(extension, loaded(extension), devices, needsEveryDevice(batch.get(extension), nowMs));
    return devices.length === 0 ? noLiveness : this.deps.quiet.lastSeen(devices);
  }

  /** users currently held by an unfinished batch (tests, diagnostics) */
  get usersInFlight(): number {
    return this.inFlight.size;
  }

  private async run(
    partition: number,
    epoch: number,
    batch: ReadonlyMap<string, readonly RouterEvent[]>,
    users: string[],
  ): Promise<ProcessResult> {
    const { store, rules, effects, settings, clock } = this.deps;
    let pending = users;
    let committed = 0;
    let changed = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`commit conflicts persisted for ${pending.length} users`);
      const states = this.deps.cache?.partition(partition);
      const misses = states ? pending.filter((e) => !states.has(e)) : pending;
      const stored = misses.length > 0 ? await store.load(misses) : new Map<string, StoredUser>();
      if (states) for (const e of misses) states.set(e, stored.get(e) ?? null);
      const live = await this.liveness(pending, (e) => states?.get(e) ?? stored.get(e), batch, clock());
      const now = clock();
      const commits: UserCommit[] = [];
      /** each commit's device records before the batch (to find the reports it applied) */
      const before: (readonly DeviceRecord[])[] = [];
      const replies: Promise<CommitOutcome[]>[] = [];
      for (let i = 0; i < pending.length; i += CHUNK) {
        if (i > 0) await yieldToIo();
        const chunk: UserCommit[] = [];
        for (const extension of pending.slice(i, i + CHUNK)) {
          const loaded = states?.get(extension) ?? stored.get(extension);
          const prev = loaded && withLiveness(extension, loaded, live);
          before.push(prev?.state.devices ?? emptyUserState.devices);
          const r = step(
            prev?.state ?? emptyUserState,
            batch.get(extension) ?? [],
            rules.get(extension),
            now,
            settings,
          );
          const expectedRev = prev?.rev ?? 0;
          chunk.push({
            extension,
            partition,
            expectedRev,
            epoch,
            state: r.state,
            nextDeadlineMs: r.nextDeadlineMs,
            changed: r.changed,
            // encoded once here: the store writes it and the cache keeps it
            ...(states && { encoded: encodeState(expectedRev + 1, epoch, r.state) }),
          });
        }
        commits.push(...chunk);
        replies.push(store.commit(chunk));
      }
      const outcomes = (await Promise.all(replies)).flat();
      const retry: string[] = [];
      const quiet: QuietDevice[] = [];
      for (const [i, c] of commits.entries()) {
        const outcome = outcomes[i];
        if (outcome === 'fenced') return { fenced: true, committed, changed };
        if (outcome === 'conflict') {
          states?.delete(c.extension);
          retry.push(c.extension);
          continue;
        }
        states?.committed(c.extension, { rev: c.expectedRev + 1, epoch, state: c.state }, c.encoded);
        committed++;
        if (c.changed && c.state.decision) {
          changed++;
          effects.push(c.extension, partition, c.state.decision);
        }
        if (this.deps.reports) this.announceReports(c.extension, before[i]!, c.state);
        if (this.deps.quiet) quietChanges(c.extension, before[i]!, c.state.devices, quiet);
      }
      if (quiet.length > 0) this.deps.quietOut?.publish(quiet);
      if (retry.length > 0)
        this.deps.logger.debug({ users: retry.length, attempt }, 'commit conflict, retrying');
      pending = retry;
    }
    return { fenced: false, committed, changed };
  }
}

const noLiveness: ReadonlyMap<string, number> = new Map();

/**
 * What ingest must learn of a commit: a device that became quiet or, quiet, applied a report (its
 * fingerprint may differ), and one that stopped being quiet. Nothing for the others.
 */
function quietChanges(
  extension: string,
  before: readonly DeviceRecord[],
  after: readonly DeviceRecord[],
  out: QuietDevice[],
): void {
  for (const device of after) {
    let prev: DeviceRecord | undefined;
    for (const b of before) if (b.id === device.id) prev = b;
    const wasQuiet = prev?.quiet ?? false;
    if (device.quiet ? !wasQuiet || device.counter !== prev?.counter : wasQuiet)
      out.push({ extension, device });
  }
}

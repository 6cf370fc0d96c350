// Applies a batch of events (grouped per user, in stream order) to the users' stored state:
// load all (from the owned-partition cache, Redis only for misses) -> step the engine -> commit
// all (compare-and-set, fenced by the partition epoch; issued in chunks with a yield between
// them so call requests are served while a large batch is computed) -> hand changed decisions to
// the effects. A user whose commit lost a race is evicted from the cache, reloaded and
// re-applied; events already applied are skipped by their counters, so retries are idempotent.
import type { Logger } from '@sa/platform';
import { step } from '../domain/scenario-engine.js';
import { type EngineSettings, emptyUserState, type RouterEvent } from '../domain/types.js';
import type { AstDbSync } from './astdb-sync.js';
import type { CommitOutcome, RulesSource, StoredUser, UserCommit, UserStateStore } from './ports.js';
import { OwnedStateCache } from './state-cache.js';

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
      settings: EngineSettings;
      clock: () => number;
      logger: Logger;
      cache?: OwnedStateCache;
    },
  ) {}

  async process(
    partition: number,
    epoch: number,
    batch: ReadonlyMap<string, readonly RouterEvent[]>,
  ): Promise<ProcessResult> {
    const { store, rules, effects, settings, clock } = this.deps;
    let pending = [...batch.keys()];
    let committed = 0;
    let changed = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`commit conflicts persisted for ${pending.length} users`);
      const states = this.deps.cache?.partition(partition);
      const misses = states ? pending.filter((e) => !states.has(e)) : pending;
      const stored = misses.length > 0 ? await store.load(misses) : new Map<string, StoredUser>();
      if (states) for (const e of misses) states.set(e, stored.get(e) ?? null);
      const now = clock();
      const commits: UserCommit[] = [];
      const replies: Promise<CommitOutcome[]>[] = [];
      for (let i = 0; i < pending.length; i += CHUNK) {
        if (i > 0) await yieldToIo();
        const chunk: UserCommit[] = [];
        for (const extension of pending.slice(i, i + CHUNK)) {
          const prev = states?.get(extension) ?? stored.get(extension);
          const r = step(
            prev?.state ?? emptyUserState,
            batch.get(extension) ?? [],
            rules.get(extension),
            now,
            settings,
          );
          chunk.push({
            extension,
            partition,
            expectedRev: prev?.rev ?? 0,
            epoch,
            state: r.state,
            nextDeadlineMs: r.nextDeadlineMs,
            changed: r.changed,
          });
        }
        commits.push(...chunk);
        replies.push(store.commit(chunk));
      }
      const outcomes = (await Promise.all(replies)).flat();
      const retry: string[] = [];
      for (const [i, c] of commits.entries()) {
        const outcome = outcomes[i];
        if (outcome === 'fenced') return { fenced: true, committed, changed };
        if (outcome === 'conflict') {
          states?.delete(c.extension);
          retry.push(c.extension);
          continue;
        }
        if (states)
          OwnedStateCache.committed(states, c.extension, { rev: c.expectedRev + 1, epoch, state: c.state });
        committed++;
        if (c.changed && c.state.decision) {
          changed++;
          effects.push(c.extension, partition, c.state.decision);
        }
      }
      if (retry.length > 0)
        this.deps.logger.debug({ users: retry.length, attempt }, 'commit conflict, retrying');
      pending = retry;
    }
    return { fenced: false, committed, changed };
  }
}

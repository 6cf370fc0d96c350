// Applies a batch of events (grouped per user, in stream order) to the users' stored state:
// load all -> step the engine -> commit all (compare-and-set, fenced by the partition epoch) ->
// hand changed decisions to the effects. A user whose commit lost a race is reloaded and
// re-applied; events already applied are skipped by their counters, so retries are idempotent.
import type { Logger } from '@sa/platform';
import { step } from '../domain/scenario-engine.js';
import { type EngineSettings, emptyUserState, type RouterEvent } from '../domain/types.js';
import type { AstDbSync } from './astdb-sync.js';
import type { RulesSource, UserCommit, UserStateStore } from './ports.js';

export interface ProcessResult {
  readonly fenced: boolean;
  readonly committed: number;
  readonly changed: number;
}

const MAX_ATTEMPTS = 5;

export class DecisionProcessor {
  constructor(
    private readonly deps: {
      store: UserStateStore;
      rules: RulesSource;
      effects: Pick<AstDbSync, 'push'>;
      settings: EngineSettings;
      clock: () => number;
      logger: Logger;
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
      const stored = await store.load(pending);
      const now = clock();
      const commits: UserCommit[] = pending.map((extension) => {
        const prev = stored.get(extension);
        const r = step(
          prev?.state ?? emptyUserState,
          batch.get(extension) ?? [],
          rules.get(extension),
          now,
          settings,
        );
        return {
          extension,
          partition,
          expectedRev: prev?.rev ?? 0,
          epoch,
          state: r.state,
          nextDeadlineMs: r.nextDeadlineMs,
          changed: r.changed,
        };
      });
      const outcomes = await store.commit(commits);
      const retry: string[] = [];
      for (const [i, c] of commits.entries()) {
        const outcome = outcomes[i];
        if (outcome === 'fenced') return { fenced: true, committed, changed };
        if (outcome === 'conflict') {
          retry.push(c.extension);
          continue;
        }
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

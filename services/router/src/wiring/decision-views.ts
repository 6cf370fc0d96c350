// A user's decision as it stands now (their stored state evaluated at the router's clock), for the
// self-service page's DecisionQuery and the ops route GET /decisions/:ext (operators, tests).
import type { buildOpsApp } from '@sa/platform';
import { evaluate } from '../domain/scenario-engine.js';
import { type Decision, type EngineSettings, emptyUserState } from '../domain/types.js';
import type { FollowMeGuard } from '../routing/followme-guard.js';
import type { RulesSource, StoredUser, UserStateStore } from '../routing/ports.js';

export interface DecisionViews {
  /** null: router knows nothing of the user (no state, no configuration) */
  current(extension: string): Promise<Decision | null>;
  /** adds GET /decisions/:ext to the ops server */
  route(ops: ReturnType<typeof buildOpsApp>): void;
}

export function decisionViews(d: {
  store: UserStateStore;
  rules: RulesSource;
  settings: EngineSettings;
  clock: () => number;
  followMe: () => FollowMeGuard | null;
}): DecisionViews {
  const now = (stored: StoredUser | null, ext: string) =>
    evaluate(stored?.state ?? emptyUserState, d.rules.get(ext), d.clock(), d.settings).state.decision;
  return {
    async current(ext) {
      const stored = await d.store.loadOne(ext);
      return stored || d.rules.get(ext) ? now(stored, ext) : null;
    },
    route(ops) {
      ops.get<{ Params: { ext: string } }>('/decisions/:ext', async (req) => {
        const ext = req.params.ext;
        const stored = await d.store.loadOne(ext);
        return {
          extension: ext,
          stored: stored?.state.decision ?? null,
          current: now(stored, ext),
          devices: stored?.state.devices ?? [],
          choice: stored?.state.choice ?? null,
          calls: await d.store.recentCalls(ext),
          // followme/both: 'ok' | 'no-followme' | 'not-an-extension', with the step that fixes it
          followMe: d.followMe()?.report(ext) ?? null,
        };
      });
    },
  };
}

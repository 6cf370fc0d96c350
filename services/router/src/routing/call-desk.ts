// Answers "where does this call go?" from Redis (never Postgres): the user's stored state is
// re-evaluated at the current instant (so an expiry the sweep has not processed yet still counts),
// and the answer is recorded with its reason for "why did my call go there?". An AstDB-first call
// already dials what AstDB held (`dialled`): recorded as such, or, when the answer differs (AstDB
// was behind), as moved from there, since ami-bridge then redirects it.
import type { Logger } from '@sa/platform';
import { evaluate } from '../domain/scenario-engine.js';
import { type EngineSettings, emptyUserState } from '../domain/types.js';
import { quietDevicesOf, withLiveness } from './liveness-merge.js';
import type { CallAnswer, QuietPresence, RulesSource, StoredUser, UserStateStore } from './ports.js';
import type { OwnedStateCache } from './state-cache.js';

export type { CallAnswer };

export class CallDesk {
  constructor(
    private readonly deps: {
      store: Pick<UserStateStore, 'loadOne' | 'recordCall'>;
      rules: RulesSource;
      settings: EngineSettings;
      clock: () => number;
      logger: Logger;
      onAnswered?: (ms: number) => void;
      /** the owned partitions' committed states: answered from memory, Redis only otherwise */
      cache?: Pick<OwnedStateCache, 'lookup'>;
      /** change-driven presence: quiet devices count as seen when ingest last saw them */
      quiet?: Pick<QuietPresence, 'lastSeen'>;
    },
  ) {}

  private async withLiveness(extension: string, user: StoredUser | null): Promise<StoredUser | null> {
    const devices: { extension: string; recordId: string }[] = [];
    quietDevicesOf(extension, user, devices);
    if (!user || !this.deps.quiet || devices.length === 0) return user;
    return withLiveness(extension, user, await this.deps.quiet.lastSeen(devices));
  }

  async decide(
    callId: string,
    extension: string,
    callerIdNum: string,
    dialled?: string,
  ): Promise<CallAnswer> {
    const started = performance.now();
    const now = this.deps.clock();
    let answer: CallAnswer;
    try {
      const cached = this.deps.cache?.lookup(extension);
      const stored = await this.withLiveness(
        extension,
        cached !== undefined ? cached : await this.deps.store.loadOne(extension),
      );
      const { state } = evaluate(
        stored?.state ?? emptyUserState,
        this.deps.rules.get(extension),
        now,
        this.deps.settings,
      );
      const d = state.decision!;
      answer = {
        targetDial: d.targetDial,
        scenarioId: d.scenarioId,
        reason: d.reason,
        decidedAtMs: now,
        fallback: d.targetDial === '',
        version: d.version,
      };
    } catch (err) {
      this.deps.logger.warn({ extension, err, code: 'ROUTER_STATE_UNAVAILABLE' }, 'call decided as fallback');
      answer = {
        targetDial: '',
        scenarioId: '',
        reason: 'router state unavailable',
        decidedAtMs: now,
        fallback: true,
        version: 0,
      };
    }
    this.deps.onAnswered?.(performance.now() - started);
    if (this.deps.logger.isLevelEnabled('info'))
      this.deps.logger.info(
        { event: 'call_decided', callId, extension, target: answer.targetDial, reason: answer.reason },
        `call ${callId} for ${extension} -> ${answer.targetDial || '(dialplan fallback)'}: ${answer.reason}`,
      );
    void this.deps.store
      .recordCall({ callId, extension, callerIdNum, ...recorded(answer, dialled) })
      .catch((err) => this.deps.logger.warn({ err }, 'call decision not recorded'));
    return answer;
  }
}

/** What the call log keeps: for an AstDB-first call, where it really rang and why. */
function recorded(answer: CallAnswer, dialled: string | undefined): CallAnswer & { redirectedFrom?: string } {
  if (dialled === undefined || answer.targetDial === dialled) return answer;
  const held = dialled || 'no target (normal handling)';
  if (answer.fallback)
    return {
      ...answer,
      targetDial: dialled,
      fallback: dialled === '',
      reason: `AstDB target ${held} dialled; ${answer.reason}`,
    };
  return {
    ...answer,
    redirectedFrom: dialled,
    reason: `AstDB still held ${held}: moved to ${answer.targetDial} (${answer.reason})`,
  };
}

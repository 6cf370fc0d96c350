// Answers "where does this call go?" from Redis (never Postgres): the user's stored state is
// re-evaluated at the current instant (so an expiry the sweep has not processed yet still counts),
// and the answer is recorded with its reason for "why did my call go there?". An AstDB-first call
// already dials what AstDB held (`dialled`): recorded as such, or, when the answer differs (AstDB
// was behind), as moved from there, since ami-bridge then redirects it. Each answered call is also
// announced (CallRouted) for admin's call history, after the answer has gone out.
import type { Logger } from '@sa/platform';
import { evaluate } from '../domain/scenario-engine.js';
import { type EngineSettings, emptyUserState } from '../domain/types.js';
import { livenessLookups, withLiveness } from './liveness-merge.js';
import type { CallAnswer, QuietPresence, RulesSource, StoredUser, UserStateStore } from './ports.js';
import type { OwnedStateCache } from './state-cache.js';

export type { CallAnswer };

/** One answered call as the call history keeps it: where it rang and why. */
export interface RoutedCall {
  readonly callId: string;
  readonly extension: string;
  readonly callerIdNum: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly scenarioId: string;
  readonly scenarioName: string;
  readonly reason: string;
  readonly decidedAtMs: number;
  readonly fallback: boolean;
  /** AstDB-first: the stale target the call was moved from ('' = none) */
  readonly correctedFrom: string;
}

/** Announces answered calls (admin's call history). Must not throw. */
export interface CallRoutedPublisher {
  callRouted(call: RoutedCall): void;
}

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
      /** each answered call, announced after the answer (never delays it) */
      routed?: CallRoutedPublisher;
    },
  ) {}

  private async withLiveness(extension: string, user: StoredUser | null): Promise<StoredUser | null> {
    const devices: { extension: string; recordId: string }[] = [];
    livenessLookups(extension, user, devices);
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
    let names = { targetName: '', scenarioName: '' };
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
      names = { targetName: d.targetName, scenarioName: d.scenarioName };
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
    const rec = recorded(answer, dialled);
    void this.deps.store
      .recordCall({ callId, extension, callerIdNum, ...rec })
      .catch((err) => this.deps.logger.warn({ err }, 'call decision not recorded'));
    this.announce({ callId, extension, callerIdNum }, answer, rec, names);
    return answer;
  }

  /** CallRouted for the call history, in the next turn: the reply to ami-bridge goes out first. */
  private announce(
    call: { callId: string; extension: string; callerIdNum: string },
    answer: CallAnswer,
    rec: ReturnType<typeof recorded>,
    names: { targetName: string; scenarioName: string },
  ): void {
    const routed = this.deps.routed;
    if (!routed) return;
    setImmediate(() =>
      routed.callRouted({
        ...call,
        targetDial: rec.targetDial,
        // a dialled AstDB target router did not choose has no name here
        targetName: rec.targetDial === answer.targetDial ? names.targetName : '',
        scenarioId: rec.scenarioId,
        scenarioName: names.scenarioName,
        reason: rec.reason,
        decidedAtMs: rec.decidedAtMs,
        fallback: rec.fallback,
        correctedFrom: rec.redirectedFrom ?? '',
      }),
    );
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

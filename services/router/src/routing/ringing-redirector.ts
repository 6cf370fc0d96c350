// REDIRECT_RINGING_ON_CHANGE: when a user's target changes while one of their routed calls still
// rings at the old target, send that call's channel to the new target (ami-bridge Redirect to
// <REDIRECT_CONTEXT>,<dial>,<REDIRECT_PRIORITY>) and record it in the user's call log with a reason.
import type { Logger } from '@sa/platform';
import type { Decision } from '../domain/types.js';
import type { CallAnswer } from './call-desk.js';
import type { UserStateStore } from './ports.js';
import type { RingingCalls } from './ringing-calls.js';

export interface CallRedirector {
  redirect(
    extension: string,
    channel: string,
    context: string,
    exten: string,
    priority: number,
  ): Promise<void>;
}

export type LifecyclePhase = 'redirected' | 'answered' | 'hung-up' | 'other';

export class RingingRedirector {
  constructor(
    private readonly deps: {
      calls: RingingCalls;
      ami: CallRedirector;
      store: Pick<UserStateStore, 'recordCall'>;
      logger: Logger;
      context: string;
      priority: number;
      clock: () => number;
      onRedirected?: (ok: boolean) => void;
    },
  ) {}

  /** This instance answered a CallArrived with a target. */
  callRouted(callId: string, extension: string, channel: string, callerIdNum: string, a: CallAnswer): void {
    if (a.fallback || a.targetDial === '') return;
    this.deps.calls.routed(callId, extension, channel, a.targetDial, callerIdNum);
  }

  /** ami-bridge reported what happened to a call (any instance's call). */
  lifecycle(
    callId: string,
    extension: string,
    phase: LifecyclePhase,
    channel: string,
    destination: string,
  ): void {
    if (phase === 'redirected') this.deps.calls.routed(callId, extension, channel, destination);
    else if (phase === 'answered' || phase === 'hung-up') this.deps.calls.ended(callId);
  }

  /** The user's committed target changed (partition owner only). */
  targetChanged(extension: string, d: Decision): void {
    for (const move of this.deps.calls.retarget(extension, d.targetDial)) {
      const { call, from, to } = move;
      const reason = `redirected while ringing: target changed from ${from} to ${to} (${d.reason})`;
      this.deps.ami
        .redirect(extension, call.channel, this.deps.context, to, this.deps.priority)
        .then(
          () => {
            this.deps.onRedirected?.(true);
            this.deps.logger.info(
              { event: 'call_redirected_on_change', callId: call.callId, extension, from, to },
              `call ${call.callId} for ${extension} ${reason}`,
            );
            return this.deps.store.recordCall({
              callId: call.callId,
              extension,
              callerIdNum: call.callerIdNum,
              targetDial: to,
              scenarioId: d.scenarioId,
              reason,
              decidedAtMs: this.deps.clock(),
              fallback: false,
              version: d.version,
              redirectedFrom: from,
            });
          },
          (err: unknown) => {
            // most often the call ended meanwhile (channel gone): nothing left to move
            this.deps.onRedirected?.(false);
            this.deps.calls.ended(call.callId);
            this.deps.logger.warn(
              { event: 'call_redirect_failed', callId: call.callId, extension, to, err },
              `ringing call ${call.callId} for ${extension} not redirected to ${to}`,
            );
          },
        )
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, callId: call.callId }, 'call redirect not recorded'),
        );
    }
  }
}

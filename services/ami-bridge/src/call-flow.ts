// The call path. AstDB-first dialplan: the call already dials router's last AstDB target when we
// hear of it; CallArrived lets router record it (target and reason) and answer with the current
// target, and only when that differs (AstDB was behind) is the ringing call redirected there.
// Waiting dialplan of earlier releases: CallArrived (deadline below the dialplan wait) -> Redirect
// of the waiting channel. Then CallLifecycle events. If anything fails we do nothing: the call
// keeps what the dialplan chose (AstDB, then the extension's normal handling).
import type { AmiClient, AmiMessage } from '@sa/ami';
import type { Logger } from '@sa/platform';
import { v1 } from '@sa/proto';
import type { NatsBusNotifier } from './adapters/nats/bus-notifier.js';
import type { CallAnnouncement, CallTracker } from './domain/call-tracker.js';

export interface CallFlowDeps {
  readonly ami: AmiClient;
  readonly bus: NatsBusNotifier;
  readonly tracker: CallTracker;
  readonly logger: Logger;
  readonly decisionTimeoutMs: number;
  readonly redirectContext: string;
  readonly redirectPriority: number;
}

export function handleAmiEvent(d: CallFlowDeps, event: AmiMessage): void {
  const t = d.tracker.onEvent(event);
  if (t === undefined) return;
  if (t.kind === 'arrived') void routeCall(d, t.call);
  else if (t.kind === 'answered')
    d.bus.callLifecycle(t.call, v1.CallPhase.CALL_PHASE_ANSWERED, t.call.destination);
  else d.bus.callLifecycle(t.call, v1.CallPhase.CALL_PHASE_HUNG_UP, t.call.destination, t.cause);
}

/**
 * A Redirect command (router moving a still-ringing call to a changed target) succeeded: a tracked
 * call now rings there, so its final destination and the REDIRECTED lifecycle follow.
 */
export function handleCommandRedirect(d: CallFlowDeps, channel: string, exten: string): void {
  const call = d.tracker.byChannel(channel);
  if (call === undefined || call.answered || !exten) return;
  d.tracker.setDestination(call.callId, exten);
  d.bus.callLifecycle(call, v1.CallPhase.CALL_PHASE_REDIRECTED, exten);
  d.logger.info(
    {
      event: 'call_redirected',
      callId: call.callId,
      extension: call.extension,
      target: exten,
      by: 'command',
    },
    'ringing call redirected to a new target',
  );
}

async function routeCall(d: CallFlowDeps, call: CallAnnouncement): Promise<void> {
  const log = d.logger.child({ callId: call.callId, extension: call.extension });
  const started = Date.now();
  try {
    const decision = await d.bus.callArrived(call, d.decisionTimeoutMs);
    const dialled = call.dialledTarget;
    if (
      dialled !== undefined &&
      (decision.fallback || !decision.targetDial || decision.targetDial === dialled)
    ) {
      d.tracker.setDestination(call.callId, dialled);
      if (dialled) d.bus.callLifecycle(call, v1.CallPhase.CALL_PHASE_ROUTED, dialled);
      return;
    }
    if (decision.fallback || !decision.targetDial) {
      log.info({ event: 'call_fallback', reason: decision.reason }, 'router chose the dialplan fallback');
      return;
    }
    await d.ami.action('Redirect', [
      ['Channel', call.channel],
      ['Context', d.redirectContext],
      ['Exten', decision.targetDial],
      ['Priority', String(d.redirectPriority)],
    ]);
    d.tracker.setDestination(call.callId, decision.targetDial);
    d.bus.callLifecycle(call, v1.CallPhase.CALL_PHASE_REDIRECTED, decision.targetDial);
    log.info(
      dialled === undefined
        ? { event: 'call_redirected', target: decision.targetDial, ms: Date.now() - started }
        : { event: 'call_corrected', from: dialled, target: decision.targetDial, ms: Date.now() - started },
      dialled === undefined
        ? 'call redirected'
        : 'AstDB was behind: ringing call moved to the current target',
    );
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'AMI_BRIDGE_REDIRECT_FAILED';
    log.warn({ event: 'call_not_redirected', code, err }, 'call left where the dialplan sent it');
  }
}

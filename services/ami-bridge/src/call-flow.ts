// The call path: a call announced by our dialplan -> CallArrived request to router (deadline below the
// dialplan wait) -> Redirect of the waiting channel to the decided target -> CallLifecycle events.
// If anything fails, we do nothing: the dialplan falls back to AstDB and then to voicemail.
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
      { event: 'call_redirected', target: decision.targetDial, ms: Date.now() - started },
      'call redirected',
    );
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'AMI_BRIDGE_REDIRECT_FAILED';
    log.warn(
      { event: 'call_not_redirected', code, err: String((err as Error).message ?? err) },
      'call left to the dialplan fallback',
    );
  }
}

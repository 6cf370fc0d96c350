// What router answers and follows on core NATS once it runs: CallArrived (with ringing-call
// tracking when REDIRECT_RINGING_ON_CHANGE is on), AMI session changes, DecisionQuery, and ingest's
// unstored copies of phone events.
import type { Logger } from '@sa/platform';
import { type BusNames, type smartassistant, v1 } from '@sa/proto';
import { subscribe } from '../adapters/nats/bus-subscriptions.js';
import { answerDecisionQueries, type CurrentDecision } from '../adapters/nats/decision-responder.js';
import { followUnstoredEvents } from '../adapters/nats/unstored-events.js';
import type { AmiResync } from '../routing/ami-resync.js';
import type { CallDesk } from '../routing/call-desk.js';
import type { LifecyclePhase, RingingRedirector } from '../routing/ringing-redirector.js';

type NatsConnection = Parameters<typeof subscribe>[0];

/** Subscribes everything; returns the unsubscribe. */
export function followBus(d: {
  nc: NatsConnection;
  names: BusNames;
  calls: CallDesk;
  ringing: RingingRedirector | null;
  amiResync: AmiResync;
  current: CurrentDecision;
  unstored: Pick<Parameters<typeof followUnstoredEvents>[0], 'owns' | 'apply' | 'onApplied'>;
  logger: Logger;
}): () => void {
  const { ringing } = d;
  const unsubscribe = subscribe(
    d.nc,
    d.names,
    {
      calls: d.calls,
      ...(ringing && {
        onCallRouted: (call, answer) =>
          ringing.callRouted(
            call.callId ?? '',
            call.extension ?? '',
            call.channel ?? '',
            call.callerIdNum ?? '',
            answer,
          ),
        onCallLifecycle: (l: smartassistant.v1.ICallLifecycle) =>
          ringing.lifecycle(
            l.callId ?? '',
            l.extension ?? '',
            lifecyclePhase(l.phase),
            l.channel ?? '',
            l.destination ?? '',
          ),
      }),
      onAmiConnected: (id) => d.amiResync.connected(id, 'connected'),
      onAmiDisconnected: (id) => d.amiResync.disconnected(id),
    },
    d.logger,
  );
  const stopAnswers = answerDecisionQueries(
    d.nc,
    d.names,
    d.current,
    d.logger.child({ component: 'decision-query' }),
  );
  const stopUnstored = followUnstoredEvents({
    nc: d.nc,
    names: d.names,
    ...d.unstored,
    logger: d.logger.child({ component: 'unstored-events' }),
  });
  return () => {
    unsubscribe();
    stopAnswers();
    stopUnstored();
  };
}

function lifecyclePhase(phase: number | null | undefined): LifecyclePhase {
  // routed by the AstDB-first dialplan or redirected by ami-bridge: either way it rings `destination`
  if (phase === v1.CallPhase.CALL_PHASE_REDIRECTED || phase === v1.CallPhase.CALL_PHASE_ROUTED)
    return 'redirected';
  if (phase === v1.CallPhase.CALL_PHASE_ANSWERED) return 'answered';
  if (phase === v1.CallPhase.CALL_PHASE_HUNG_UP) return 'hung-up';
  return 'other';
}

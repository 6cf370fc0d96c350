// Every core-NATS subscription of the router, listed up front, plus the ScenarioChanged publisher.
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import type { Decision } from '../../domain/types.js';
import type { AmiSessionId } from '../../routing/ami-resync.js';
import type { CallAnswer, CallDesk } from '../../routing/call-desk.js';
import type { ScenarioPublisher } from '../../routing/ports.js';
import { CoalescingPublisher } from './coalescing-publisher.js';
import { toScenarioChanged } from './proto-mapping.js';

export interface BusHandlers {
  readonly calls: CallDesk;
  /** ami-bridge (re)connected to Asterisk: re-push every current target */
  onAmiConnected(id: AmiSessionId): void;
  /** ami-bridge lost its AMI connection */
  onAmiDisconnected(id: AmiSessionId): void;
  /** this instance answered a CallArrived (ringing-call tracking; optional) */
  onCallRouted?(call: smartassistant.v1.ICallArrived, answer: CallAnswer): void;
  /** CallLifecycle of any user's call (subscribed only when given) */
  onCallLifecycle?(event: smartassistant.v1.ICallLifecycle): void;
}

export function subscribe(nc: NatsConnection, names: BusNames, h: BusHandlers, logger: Logger): () => void {
  const subs = [
    nc.subscribe(names.callArrived, { queue: 'router', callback: (_e, m) => answerCall(m, h, logger) }),
    nc.subscribe(names.amiConnected, {
      callback: (_e, m) => h.onAmiConnected(amiSession(m.data, 'AmiConnected', logger)),
    }),
    nc.subscribe(names.amiDisconnected, {
      callback: (_e, m) => h.onAmiDisconnected(amiSession(m.data, 'AmiDisconnected', logger)),
    }),
  ];
  const onLifecycle = h.onCallLifecycle;
  if (onLifecycle)
    subs.push(
      nc.subscribe(names.callLifecycleAll, {
        callback: (_e, m) => {
          try {
            onLifecycle(decodeMessage(v1.CallLifecycle, m.data, 'CallLifecycle'));
          } catch (err) {
            logger.warn({ err }, 'undecodable CallLifecycle skipped');
          }
        },
      }),
    );
  return () => {
    for (const s of subs) s.unsubscribe();
  };
}

/** An undecodable event counts as an unnamed login: a resync too many beats one missed. */
function amiSession(
  data: Uint8Array,
  type: 'AmiConnected' | 'AmiDisconnected',
  logger: Logger,
): AmiSessionId {
  try {
    const e =
      type === 'AmiConnected'
        ? decodeMessage(v1.AmiConnected, data, type)
        : decodeMessage(v1.AmiDisconnected, data, type);
    return { bridgeId: e.bridgeId ?? '', session: Number(e.session ?? 0) };
  } catch (err) {
    logger.warn({ err, type }, `undecodable ${type}: taken as a new AMI login`);
    return { bridgeId: '', session: 0 };
  }
}

function answerCall(
  m: { data: Uint8Array; respond(data: Uint8Array): boolean },
  h: BusHandlers,
  logger: Logger,
): void {
  const calls = h.calls;
  let call: smartassistant.v1.ICallArrived;
  try {
    call = decodeMessage(v1.CallArrived, m.data, 'CallArrived');
  } catch (err) {
    logger.warn({ err, code: 'ROUTER_CALL_UNDECODABLE' }, 'undecodable CallArrived');
    m.respond(encodeMessage(v1.RouteDecision, v1.RouteDecision.create({ fallback: true }), 'RouteDecision'));
    return;
  }
  const callId = call.callId ?? '';
  const extension = call.extension ?? '';
  const dialled = call.astdbFirst ? (call.dialledTarget ?? '') : undefined;
  void calls.decide(callId, extension, call.callerIdNum ?? '', dialled).then((a: CallAnswer) => {
    const reply = v1.RouteDecision.create({
      callId,
      extension,
      targetDial: a.targetDial,
      scenarioId: a.scenarioId,
      reason: a.reason,
      decidedAtMs: a.decidedAtMs,
      fallback: a.fallback,
    });
    m.respond(encodeMessage(v1.RouteDecision, reply, 'RouteDecision'));
    h.onCallRouted?.(call, a);
  });
}

export class NatsScenarioPublisher implements ScenarioPublisher {
  private readonly out: CoalescingPublisher;

  constructor(
    nc: NatsConnection,
    private readonly names: BusNames,
  ) {
    this.out = new CoalescingPublisher(nc);
  }

  scenarioChanged(extension: string, d: Decision): void {
    const msg = toScenarioChanged(extension, d);
    this.out.publish(
      this.names.scenarioChanged(extension),
      encodeMessage(v1.ScenarioChanged, msg, 'ScenarioChanged'),
    );
  }
}

// The only place that knows the bus subjects ami-bridge publishes on and requests to.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import type { CallAnnouncement } from '../../domain/call-tracker.js';
import { AmiBridgeError } from '../../errors.js';

export class NatsBusNotifier {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    /** random per process: with the session number it names one AMI login (see ami.proto) */
    private readonly bridgeId: string,
  ) {}

  amiConnected(banner: string, session: number): void {
    const msg = v1.AmiConnected.create({
      atMs: Date.now(),
      serverBanner: banner,
      session,
      bridgeId: this.bridgeId,
    });
    this.nc.publish(this.names.amiConnected, encodeMessage(v1.AmiConnected, msg, 'AmiConnected'));
  }

  amiDisconnected(reason: string, session: number): void {
    const msg = v1.AmiDisconnected.create({ atMs: Date.now(), reason, session, bridgeId: this.bridgeId });
    this.nc.publish(this.names.amiDisconnected, encodeMessage(v1.AmiDisconnected, msg, 'AmiDisconnected'));
  }

  callLifecycle(
    call: CallAnnouncement,
    phase: smartassistant.v1.CallPhase,
    destination: string,
    cause = '',
  ): void {
    const msg = v1.CallLifecycle.create({
      callId: call.callId,
      extension: call.extension,
      phase,
      destination,
      cause,
      atMs: Date.now(),
      channel: call.channel,
    });
    this.nc.publish(
      this.names.callLifecycle(call.extension),
      encodeMessage(v1.CallLifecycle, msg, 'CallLifecycle'),
    );
  }

  /** Asks router where the call goes (or, AstDB-first, records it and learns the current target); rejects with a typed error after timeoutMs. */
  async callArrived(call: CallAnnouncement, timeoutMs: number): Promise<smartassistant.v1.IRouteDecision> {
    const msg = v1.CallArrived.create({
      callId: call.callId,
      linkedId: call.linkedId,
      channel: call.channel,
      extension: call.extension,
      callerIdNum: call.callerIdNum,
      callerIdName: call.callerIdName,
      arrivedAtMs: Date.now(),
      ...(call.dialledTarget !== undefined && { astdbFirst: true, dialledTarget: call.dialledTarget }),
    });
    try {
      const reply = await this.nc.request(
        this.names.callArrived,
        encodeMessage(v1.CallArrived, msg, 'CallArrived'),
        {
          timeout: timeoutMs,
        },
      );
      return decodeMessage(v1.RouteDecision, reply.data, 'RouteDecision');
    } catch (cause) {
      const timeout = /timeout/i.test(String((cause as Error)?.message ?? cause));
      throw new AmiBridgeError(
        timeout ? 'AMI_BRIDGE_DECISION_TIMEOUT' : 'AMI_BRIDGE_DECISION_FAILED',
        timeout
          ? `no RouteDecision within ${timeoutMs} ms`
          : `RouteDecision request failed: ${String(cause)}`,
        { callId: call.callId, extension: call.extension },
        { cause },
      );
    }
  }
}

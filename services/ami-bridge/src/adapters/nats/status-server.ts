// names.amiStatus request/reply (queue group "ami-bridge"): AmiStatusRequest -> AmiStatusReply,
// the AMI link as it is at this moment. app.ts subscribes it (and flushes) before the AMI client
// starts, so a caller whose request finds no responders knows AmiConnected is still to come.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';

export interface AmiLinkStatus {
  readonly connected: boolean;
  /** the current AMI login's number (counts logins of this process) */
  readonly session: number;
  readonly banner: string;
}

export interface StatusServerDeps {
  readonly nc: NatsConnection;
  readonly names: BusNames;
  /** random per ami-bridge process, also sent in AmiConnected / AmiDisconnected */
  readonly bridgeId: string;
  readonly status: () => AmiLinkStatus;
}

export function subscribeStatus(d: StatusServerDeps): { stop(): void } {
  const sub = d.nc.subscribe(d.names.amiStatus, {
    queue: 'ami-bridge',
    // the request carries nothing, so an undecodable one is answered all the same
    callback: (_err, msg) => {
      const s = d.status();
      const reply = v1.AmiStatusReply.create({
        connected: s.connected,
        session: s.connected ? s.session : 0,
        serverBanner: s.connected ? s.banner : '',
        bridgeId: d.bridgeId,
      });
      msg.respond(encodeMessage(v1.AmiStatusReply, reply, 'AmiStatusReply'));
    },
  });
  return { stop: () => sub.unsubscribe() };
}

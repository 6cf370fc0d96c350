// Asks ami-bridge whether it is logged in to Asterisk (names.amiStatus: AmiStatusRequest ->
// AmiStatusReply). Send it on the connection that carries the AmiConnected subscription, after a
// flush: ami-bridge answers from before its AMI client starts, so "no responders" then means the
// AmiConnected event is still to come and will reach that subscription; and one connection keeps
// the reply and the events in ami-bridge's order.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { AmiStatusAnswer } from '../../routing/ami-resync.js';

export async function queryAmiStatus(
  nc: NatsConnection,
  names: BusNames,
  timeoutMs: number,
): Promise<AmiStatusAnswer> {
  const request = encodeMessage(v1.AmiStatusRequest, v1.AmiStatusRequest.create(), 'AmiStatusRequest');
  try {
    const m = await nc.request(names.amiStatus, request, { timeout: timeoutMs });
    const r = decodeMessage(v1.AmiStatusReply, m.data, 'AmiStatusReply');
    if (!r.connected) return { outcome: 'not-connected' };
    return {
      outcome: 'connected',
      id: { bridgeId: r.bridgeId ?? '', session: Number(r.session ?? 0) },
      banner: r.serverBanner ?? '',
    };
  } catch (err) {
    if ((err as { isNoResponders?: () => boolean }).isNoResponders?.()) return { outcome: 'no-responders' };
    if ((err as Error)?.name === 'TimeoutError') return { outcome: 'timeout', err };
    return { outcome: 'failed', err };
  }
}

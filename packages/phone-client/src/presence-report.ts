// A Wi-Fi reading as a presence request, and the sender `sa-phone watch` uses: the same delivery as
// `sa-phone presence` (the profile's device key, hosts in order, knock), with the reply's status
// mapped to a report outcome.
import { v1 } from '@sa/proto';
import type { RequestBody } from './phone-client.js';
import type { PresenceSender, ReportOutcome } from './presence-watcher.js';
import { type DeliverOptions, deliver, errorReason } from './request-sender.js';
import type { SendProfile } from './send-profile.js';
import type { WifiScan } from './wifi-network.js';

/**
 * Visible networks sent at most. A network takes at most 58 bytes encoded (32-byte SSID, 17-byte
 * BSSID, RSSI, tags), so 16 of them plus the connected one stay well inside the 1200-byte packet.
 */
export const MAX_VISIBLE = 16;

export function presenceBody(scan: WifiScan): RequestBody {
  return {
    presence: {
      ...(scan.connected ? { connected: scan.connected } : {}),
      visible: scan.visible.slice(0, MAX_VISIBLE),
    },
  };
}

export function outcomeOfReply(host: string, status: number | null | undefined): ReportOutcome {
  switch (status) {
    case v1.ReplyStatus.REPLY_STATUS_OK:
      return { kind: 'ok', host };
    case v1.ReplyStatus.REPLY_STATUS_UNAVAILABLE:
      return { kind: 'unavailable', host };
    default:
      return { kind: 'refused', host, status: statusName(status) };
  }
}

/** `DENIED` for REPLY_STATUS_DENIED; the number for a status this client does not know. */
function statusName(status: number | null | undefined): string {
  const name = (v1.ReplyStatus as unknown as Record<number, string | undefined>)[status ?? 0];
  return name ? name.replace(/^REPLY_STATUS_/, '') : String(status);
}

/** Sends through `deliver`; `note` gets the per-host failover lines. */
export function phonePresenceSender(
  profile: SendProfile,
  options: Omit<DeliverOptions, 'sent'>,
): PresenceSender {
  return {
    async send(scan) {
      try {
        const delivery = await deliver(profile, presenceBody(scan), options);
        if (!delivery) return { kind: 'no-reply' };
        return outcomeOfReply(delivery.host, delivery.result.replies[0]?.status);
      } catch (err) {
        return { kind: 'error', message: errorReason(err) };
      }
    },
  };
}

// Check 3 of docs/protocol.md section 6: which key may open this packet. Each way a packet can
// claim a key it may not use has its own rejection reason, so the metrics and the fail2ban line
// say what was tried: a colleague's key (foreign_key), the server key for an enrolled device or
// after the server keys were turned off (server_key_refused), or a key nobody accepts (unknown_key).
import type { EnvelopeHeader } from '@sa/phone-protocol';
import type { DeviceKeyTable } from './device-keys.js';
import { accepted, type KeyRing, type RingKey } from './key-ring.js';
import type { DeviceDirectory } from './ports.js';

export type KeyResolution =
  | { readonly ok: true; readonly key: RingKey }
  | { readonly ok: false; readonly reason: 'unknown_key' | 'foreign_key' | 'server_key_refused' };

export function resolveKey(
  header: Pick<EnvelopeHeader, 'keyId' | 'deviceId'>,
  keyRing: KeyRing,
  deviceKeys: DeviceKeyTable,
  devices: DeviceDirectory,
  nowMs: number,
): KeyResolution {
  const own = deviceKeys.get(header.deviceId, header.keyId);
  if (own) return accepted(own, nowMs) ? { ok: true, key: own } : { ok: false, reason: 'unknown_key' };
  const owner = deviceKeys.owner(header.keyId);
  if (owner !== undefined) return { ok: false, reason: 'foreign_key' };
  const serverKey = keyRing.lookup(header.keyId, header.deviceId, nowMs);
  if (!serverKey) {
    return keyRing.serverKeysDisabled
      ? { ok: false, reason: 'server_key_refused' }
      : { ok: false, reason: 'unknown_key' };
  }
  if (devices.get(header.deviceId)?.ownKey) return { ok: false, reason: 'server_key_refused' };
  return { ok: true, key: serverKey };
}

// Turns a 16-character server key (or a device's own key) into the AES-256-GCM key of the envelope.
import { hkdfSync } from 'node:crypto';

/** The well-known default key of the original add-on: works, but ingest warns at every start. */
export const DEFAULT_SERVER_SECRET = '1234567890123456';
export const DEFAULT_KEY_ID = 1;

const SECRET_PATTERN = /^[A-Za-z0-9]{16}$/;
const HKDF_SALT = Buffer.from('smartassistant/phone/v1', 'ascii');
const HKDF_INFO = 'aes-256-gcm';

export function isValidServerSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}

/**
 * key = HKDF-SHA256(ikm = ASCII secret, salt = "smartassistant/phone/v1",
 *                   info = "aes-256-gcm" 0x00 ownerDeviceId, length = 32)
 * `ownerDeviceId` is "" for a server-wide key and the device id for a device's own key, so a
 * device key can never open another device's packets.
 */
export function deriveEnvelopeKey(secret: string, ownerDeviceId = ''): Uint8Array {
  if (!isValidServerSecret(secret)) throw new Error('a phone key must be 16 ASCII letters or digits');
  const info = Buffer.concat([
    Buffer.from(HKDF_INFO, 'ascii'),
    Buffer.from([0]),
    Buffer.from(ownerDeviceId, 'ascii'),
  ]);
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'ascii'), HKDF_SALT, info, 32));
}

// Licence files (`lic-<deviceid>.lic`): a JSON envelope whose `payload` (base64 of a JSON document
// binding device id, tier and expiry) is signed with Ed25519 by the issuer (`sa-licence sign`).
//   { "format": "smartassistant-licence/1", "payload": "<base64>", "signature": "<base64>" }
// payload: { "deviceId", "tier", "issuedAt" (ISO), "expiresAt" (ISO), "issuerKeyId" }
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { DEVICE_ID } from './naming.js';
import { TIERS, type Tier } from './permissions.js';

export const LICENCE_FORMAT = 'smartassistant-licence/1';

export interface LicencePayload {
  readonly deviceId: string;
  readonly tier: Tier;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly issuerKeyId: string;
}

export interface VerifiedLicence extends LicencePayload {
  readonly signature: string;
  readonly raw: string;
}

export type LicenceProblem =
  | 'ADMIN_LICENCE_INVALID'
  | 'ADMIN_LICENCE_BAD_SIGNATURE'
  | 'ADMIN_LICENCE_WRONG_DEVICE'
  | 'ADMIN_LICENCE_EXPIRED'
  | 'ADMIN_LICENCE_ISSUED_IN_FUTURE';

/** How far a licence's issuedAt may lie ahead of admin's clock (the issuer's clock may run fast). */
export const LICENCE_CLOCK_SKEW_MS = 5 * 60 * 1000;

export class LicenceError extends Error {
  override readonly name = 'LicenceError';
  constructor(
    readonly code: LicenceProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Short stable id of an issuer public key: first 16 hex of SHA-256 over its SPKI DER. */
export function issuerKeyId(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** LICENCE_PUBLIC_KEYS: PEM blocks, or base64 SPKI DER values separated by commas or whitespace. */
export function parseIssuerKeys(text: string | undefined): KeyObject[] {
  if (!text || text.trim() === '') return [];
  const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g);
  const keys = pems
    ? pems.map((pem) => createPublicKey(pem))
    : text
        .split(/[\s,]+/)
        .filter((s) => s.length > 0)
        .map((b64) => createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' }));
  for (const key of keys) {
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('licence issuer keys must be Ed25519');
  }
  return keys;
}

export function signLicence(payload: LicencePayload, privateKey: KeyObject): string {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const signature = sign(null, bytes, privateKey).toString('base64');
  return `${JSON.stringify({ format: LICENCE_FORMAT, payload: bytes.toString('base64'), signature }, null, 2)}\n`;
}

/** End of the given day (UTC) for "YYYY-MM-DD", or the instant for a full ISO timestamp. */
export function parseExpiry(value: string): Date | null {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value;
  const date = new Date(day);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function verifyLicence(
  raw: string,
  expectedDeviceId: string,
  issuerKeys: readonly KeyObject[],
  now: Date,
): VerifiedLicence {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw);
  } catch {
    throw new LicenceError('ADMIN_LICENCE_INVALID', 'licence file is not JSON (expected a sa-licence file)');
  }
  const env = envelope as { format?: unknown; payload?: unknown; signature?: unknown };
  if (env.format !== LICENCE_FORMAT || typeof env.payload !== 'string' || typeof env.signature !== 'string') {
    throw new LicenceError(
      'ADMIN_LICENCE_INVALID',
      `licence file must have format "${LICENCE_FORMAT}", payload and signature`,
    );
  }
  const bytes = Buffer.from(env.payload, 'base64');
  const signature = Buffer.from(env.signature, 'base64');
  const good = issuerKeys.some((key) => {
    try {
      return verify(null, bytes, key, signature);
    } catch {
      return false;
    }
  });
  if (!good) {
    throw new LicenceError(
      'ADMIN_LICENCE_BAD_SIGNATURE',
      'licence signature does not verify with any configured issuer key',
    );
  }
  let payload: LicencePayload;
  try {
    payload = JSON.parse(bytes.toString('utf8')) as LicencePayload;
  } catch {
    throw new LicenceError('ADMIN_LICENCE_INVALID', 'signed licence payload is not JSON');
  }
  if (
    typeof payload.deviceId !== 'string' ||
    !DEVICE_ID.test(payload.deviceId) ||
    !TIERS.includes(payload.tier) ||
    typeof payload.expiresAt !== 'string' ||
    parseExpiry(payload.expiresAt) === null ||
    typeof payload.issuedAt !== 'string' ||
    Number.isNaN(Date.parse(payload.issuedAt))
  ) {
    throw new LicenceError(
      'ADMIN_LICENCE_INVALID',
      'signed licence payload lacks deviceId, tier, issuedAt or expiresAt',
    );
  }
  if (payload.deviceId !== expectedDeviceId) {
    throw new LicenceError(
      'ADMIN_LICENCE_WRONG_DEVICE',
      `licence is for device ${payload.deviceId}, not for device ${expectedDeviceId}`,
    );
  }
  const issued = new Date(payload.issuedAt);
  if (issued.getTime() > now.getTime() + LICENCE_CLOCK_SKEW_MS) {
    throw new LicenceError(
      'ADMIN_LICENCE_ISSUED_IN_FUTURE',
      `licence issuedAt ${issued.toISOString()} is in the future (server time ${now.toISOString()}, ${LICENCE_CLOCK_SKEW_MS / 60_000} min allowed): check the issuer's and this server's clocks`,
    );
  }
  const expires = parseExpiry(payload.expiresAt)!;
  if (expires.getTime() < now.getTime()) {
    throw new LicenceError('ADMIN_LICENCE_EXPIRED', `licence expired on ${expires.toISOString()}`);
  }
  return {
    ...payload,
    issuedAt: issued.toISOString(),
    expiresAt: expires.toISOString(),
    signature: env.signature,
    raw,
  };
}

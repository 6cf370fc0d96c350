// The phone envelope (docs/protocol.md): a fixed header that is authenticated as AES-GCM associated
// data, then ciphertext and tag. Pure functions over bytes; no sockets.
import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';

export const MAGIC_0 = 0x53; // 'S'
export const MAGIC_1 = 0x41; // 'A'
export const PROTOCOL_VERSION = 1;
/** flags bit 0: set on replies (server -> phone), clear on requests. Other bits must be 0. */
export const FLAG_REPLY = 0x01;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const MAX_DEVICE_ID_LENGTH = 64;
/** Largest packet either side sends or accepts, UDP or HTTP. */
export const MAX_PACKET_SIZE = 1200;
/** magic(2) version(1) flags(1) keyId(4) idLen(1) counter(8) timestamp(8) nonce(12), plus the id */
export const FIXED_HEADER_LENGTH = 37;
export const MIN_PACKET_SIZE = FIXED_HEADER_LENGTH + 1 + TAG_LENGTH;

const DEVICE_ID = /^[A-Za-z0-9._-]+$/;
/** high 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1) */
const MAX_SAFE_HIGH = 0x1f_ffff;

export interface EnvelopeHeader {
  readonly flags: number;
  readonly keyId: number;
  readonly deviceId: string;
  readonly counter: number;
  readonly timestampMs: number;
  readonly nonce: Uint8Array;
}

export type HeaderRejection = 'too_small' | 'too_large' | 'bad_header';

export type ParsedEnvelope =
  | { readonly ok: true; readonly header: EnvelopeHeader; readonly headerLength: number }
  | { readonly ok: false; readonly reason: HeaderRejection };

export function isValidDeviceId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_DEVICE_ID_LENGTH && DEVICE_ID.test(id);
}

export function headerLength(deviceId: string): number {
  return FIXED_HEADER_LENGTH + deviceId.length;
}

/** Reads and checks the header only (cheap: no crypto). */
export function parseEnvelope(packet: Uint8Array, expectReply = false): ParsedEnvelope {
  if (packet.length < MIN_PACKET_SIZE) return { ok: false, reason: 'too_small' };
  if (packet.length > MAX_PACKET_SIZE) return { ok: false, reason: 'too_large' };
  if (packet[0] !== MAGIC_0 || packet[1] !== MAGIC_1 || packet[2] !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'bad_header' };
  }
  const flags = packet[3]!;
  if (flags !== (expectReply ? FLAG_REPLY : 0)) return { ok: false, reason: 'bad_header' };
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const keyId = view.getUint32(4);
  const idLength = packet[8]!;
  if (idLength < 1 || idLength > MAX_DEVICE_ID_LENGTH) return { ok: false, reason: 'bad_header' };
  const length = FIXED_HEADER_LENGTH + idLength;
  if (packet.length < length + TAG_LENGTH) return { ok: false, reason: 'too_small' };
  const deviceId = Buffer.from(packet.buffer, packet.byteOffset + 9, idLength).toString('latin1');
  if (!DEVICE_ID.test(deviceId)) return { ok: false, reason: 'bad_header' };
  let at = 9 + idLength;
  // two 32-bit halves instead of getBigUint64: no BigInt per packet; above 2^53 - 1 is bad_header
  const counterHigh = view.getUint32(at);
  const timestampHigh = view.getUint32(at + 8);
  if (counterHigh > MAX_SAFE_HIGH || timestampHigh > MAX_SAFE_HIGH)
    return { ok: false, reason: 'bad_header' };
  const counter = counterHigh * 0x1_0000_0000 + view.getUint32(at + 4);
  const timestamp = timestampHigh * 0x1_0000_0000 + view.getUint32(at + 12);
  at += 16;
  const nonce = packet.subarray(at, at + NONCE_LENGTH);
  return {
    ok: true,
    headerLength: length,
    header: { flags, keyId, deviceId, counter, timestampMs: timestamp, nonce },
  };
}

export function encodeHeader(header: EnvelopeHeader): Uint8Array {
  const out = new Uint8Array(headerLength(header.deviceId));
  writeHeader(header, out);
  return out;
}

/** Writes the header at the start of `out` (at least headerLength(deviceId) bytes). */
function writeHeader(header: EnvelopeHeader, out: Uint8Array): void {
  if (!isValidDeviceId(header.deviceId)) throw new Error(`invalid device id "${header.deviceId}"`);
  if (header.nonce.length !== NONCE_LENGTH) throw new Error('nonce must be 12 bytes');
  if (!Number.isSafeInteger(header.counter) || header.counter < 0) throw new Error('bad counter');
  if (!Number.isSafeInteger(header.timestampMs) || header.timestampMs < 0) throw new Error('bad timestamp');
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = PROTOCOL_VERSION;
  out[3] = header.flags;
  view.setUint32(4, header.keyId >>> 0);
  const id = header.deviceId;
  out[8] = id.length;
  for (let i = 0; i < id.length; i++) out[9 + i] = id.charCodeAt(i); // ASCII, checked above
  const at = 9 + id.length;
  view.setUint32(at, Math.floor(header.counter / 0x1_0000_0000));
  view.setUint32(at + 4, header.counter >>> 0);
  view.setUint32(at + 8, Math.floor(header.timestampMs / 0x1_0000_0000));
  view.setUint32(at + 12, header.timestampMs >>> 0);
  out.set(header.nonce, at + 16);
}

export type EnvelopeKey = Uint8Array | KeyObject;

/** header || AES-256-GCM(key, nonce, plaintext, aad = header) || tag */
export function sealEnvelope(key: EnvelopeKey, header: EnvelopeHeader, plaintext: Uint8Array): Uint8Array {
  const length = headerLength(header.deviceId);
  const out = new Uint8Array(length + plaintext.length + TAG_LENGTH);
  writeHeader(header, out);
  const cipher = createCipheriv('aes-256-gcm', key, header.nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(out.subarray(0, length));
  out.set(cipher.update(plaintext), length);
  cipher.final();
  out.set(cipher.getAuthTag(), length + plaintext.length);
  return out;
}

/** Returns the plaintext, or null when the tag does not verify (wrong key or altered bytes). */
export function openEnvelope(key: EnvelopeKey, packet: Uint8Array, headerLength: number): Uint8Array | null {
  const nonce = packet.subarray(headerLength - NONCE_LENGTH, headerLength);
  const tagAt = packet.length - TAG_LENGTH;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(packet.subarray(0, headerLength));
    decipher.setAuthTag(packet.subarray(tagAt));
    const plain = decipher.update(packet.subarray(headerLength, tagAt));
    decipher.final();
    return plain;
  } catch {
    return null;
  }
}

const NONCE_POOL_SIZE = 512 * NONCE_LENGTH;
let noncePool = new Uint8Array(0);
let noncePoolAt = 0;

/** 12 random bytes, cut from a pool refilled 512 nonces at a time (one CSPRNG call, not one per reply) */
export function randomNonce(): Uint8Array {
  if (noncePoolAt + NONCE_LENGTH > noncePool.length) {
    noncePool = new Uint8Array(randomBytes(NONCE_POOL_SIZE));
    noncePoolAt = 0;
  }
  const nonce = noncePool.slice(noncePoolAt, noncePoolAt + NONCE_LENGTH);
  noncePoolAt += NONCE_LENGTH;
  return nonce;
}

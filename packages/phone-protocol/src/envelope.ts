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
  const counter = view.getBigUint64(at);
  const timestamp = view.getBigUint64(at + 8);
  if (counter > BigInt(Number.MAX_SAFE_INTEGER) || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: 'bad_header' };
  }
  at += 16;
  const nonce = packet.subarray(at, at + NONCE_LENGTH);
  return {
    ok: true,
    headerLength: length,
    header: { flags, keyId, deviceId, counter: Number(counter), timestampMs: Number(timestamp), nonce },
  };
}

export function encodeHeader(header: EnvelopeHeader): Uint8Array {
  if (!isValidDeviceId(header.deviceId)) throw new Error(`invalid device id "${header.deviceId}"`);
  if (header.nonce.length !== NONCE_LENGTH) throw new Error('nonce must be 12 bytes');
  if (!Number.isSafeInteger(header.counter) || header.counter < 0) throw new Error('bad counter');
  if (!Number.isSafeInteger(header.timestampMs) || header.timestampMs < 0) throw new Error('bad timestamp');
  const out = new Uint8Array(headerLength(header.deviceId));
  const view = new DataView(out.buffer);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = PROTOCOL_VERSION;
  out[3] = header.flags;
  view.setUint32(4, header.keyId >>> 0);
  out[8] = header.deviceId.length;
  out.set(Buffer.from(header.deviceId, 'ascii'), 9);
  const at = 9 + header.deviceId.length;
  view.setBigUint64(at, BigInt(header.counter));
  view.setBigUint64(at + 8, BigInt(header.timestampMs));
  out.set(header.nonce, at + 16);
  return out;
}

export type EnvelopeKey = Uint8Array | KeyObject;

/** header || AES-256-GCM(key, nonce, plaintext, aad = header) || tag */
export function sealEnvelope(key: EnvelopeKey, header: EnvelopeHeader, plaintext: Uint8Array): Uint8Array {
  const aad = encodeHeader(header);
  const cipher = createCipheriv('aes-256-gcm', key, header.nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(aad.length + body.length + TAG_LENGTH);
  out.set(aad, 0);
  out.set(body, aad.length);
  out.set(tag, aad.length + body.length);
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

export function randomNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_LENGTH));
}

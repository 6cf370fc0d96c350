// PhoneRequest / PhoneReply inside the envelope: request padding, reply size budgets, and the
// consistency rule between header and plaintext (docs/protocol.md).
import { encodeMessage, v1 } from '@sa/proto';
import {
  type EnvelopeHeader,
  type EnvelopeKey,
  FLAG_REPLY,
  headerLength,
  MAX_PACKET_SIZE,
  openEnvelope,
  type ParsedEnvelope,
  parseEnvelope,
  randomNonce,
  sealEnvelope,
  TAG_LENGTH,
} from './envelope.js';

export type PhoneRequest = InstanceType<typeof v1.PhoneRequest>;
export type PhoneReply = InstanceType<typeof v1.PhoneReply>;
type PhoneRequestInit = ConstructorParameters<typeof v1.PhoneRequest>[0];
type PhoneReplyInit = ConstructorParameters<typeof v1.PhoneReply>[0];

export type RequestKind =
  | 'presence'
  | 'chooseScenario'
  | 'listTargets'
  | 'createTarget'
  | 'ping'
  | 'listScenarios'
  | 'saveScenario'
  | 'deleteScenario'
  | 'listPlaces'
  | 'savePlace'
  | 'deletePlace';

export interface SealRequestInput {
  readonly key: EnvelopeKey;
  readonly keyId: number;
  readonly deviceId: string;
  readonly counter: number;
  readonly timestampMs: number;
  /** the request body: exactly one request kind (docs/protocol.md section 4) */
  readonly body: Omit<NonNullable<PhoneRequestInit>, 'deviceId' | 'counter' | 'sentAtMs' | 'padding'>;
  /** pad the packet to at least this many bytes (capped at MAX_PACKET_SIZE) */
  readonly padTo?: number;
  readonly nonce?: Uint8Array;
  /** repeat deviceId/counter/sentAtMs inside the plaintext (allowed, costs bytes) */
  readonly repeatHeaderFields?: boolean;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Smallest padding length n whose encoded field (tag + length + n bytes) takes at least `need` bytes. */
export function paddingFor(need: number): number {
  if (need <= 0) return -1;
  for (let n = Math.max(0, need - 4); ; n++) {
    if (1 + varintLength(n) + n >= need) return n;
  }
}

export function encodeRequestPlaintext(input: SealRequestInput): Uint8Array {
  const message = v1.PhoneRequest.create({
    ...input.body,
    ...(input.repeatHeaderFields
      ? { deviceId: input.deviceId, counter: input.counter, sentAtMs: input.timestampMs }
      : {}),
  });
  let plain = encodeMessage(v1.PhoneRequest, message, 'PhoneRequest');
  const padTo = Math.min(input.padTo ?? 0, MAX_PACKET_SIZE);
  const overhead = headerLength(input.deviceId) + TAG_LENGTH;
  const need = padTo - overhead - plain.length;
  const n = paddingFor(need);
  if (n >= 0 && overhead + plain.length + 1 + varintLength(n) + n <= MAX_PACKET_SIZE) {
    message.padding = new Uint8Array(n);
    plain = encodeMessage(v1.PhoneRequest, message, 'PhoneRequest');
  }
  return plain;
}

export function sealRequest(input: SealRequestInput): Uint8Array {
  const header: EnvelopeHeader = {
    flags: 0,
    keyId: input.keyId,
    deviceId: input.deviceId,
    counter: input.counter,
    timestampMs: input.timestampMs,
    nonce: input.nonce ?? randomNonce(),
  };
  const packet = sealEnvelope(input.key, header, encodeRequestPlaintext(input));
  if (packet.length > MAX_PACKET_SIZE)
    throw new Error(`request is ${packet.length} bytes, max ${MAX_PACKET_SIZE}`);
  return packet;
}

export type OpenedRequest =
  | { readonly ok: true; readonly request: PhoneRequest; readonly kind: RequestKind | undefined }
  | { readonly ok: false; readonly reason: 'bad_tag' | 'bad_header' | 'device_mismatch' };

/**
 * Verifies the tag, decodes PhoneRequest, and checks repeated header fields are equal or empty.
 * A plaintext naming another device than the header is `device_mismatch`: a device's key holder
 * trying to speak for a colleague from inside its own envelope.
 */
export function openRequest(
  key: EnvelopeKey,
  packet: Uint8Array,
  parsed: Extract<ParsedEnvelope, { ok: true }>,
): OpenedRequest {
  const plain = openEnvelope(key, packet, parsed.headerLength);
  if (!plain) return { ok: false, reason: 'bad_tag' };
  let request: PhoneRequest;
  try {
    request = v1.PhoneRequest.decode(plain) as PhoneRequest;
  } catch {
    return { ok: false, reason: 'bad_header' };
  }
  const h = parsed.header;
  const counter = Number(request.counter);
  const sentAt = Number(request.sentAtMs);
  if (request.deviceId !== '' && request.deviceId !== h.deviceId)
    return { ok: false, reason: 'device_mismatch' };
  if ((counter !== 0 && counter !== h.counter) || (sentAt !== 0 && sentAt !== h.timestampMs)) {
    return { ok: false, reason: 'bad_header' };
  }
  return { ok: true, request, kind: request.kind as RequestKind | undefined };
}

export interface SealReplyInput {
  readonly key: EnvelopeKey;
  readonly request: EnvelopeHeader;
  readonly reply: NonNullable<PhoneReplyInit>;
  readonly nowMs: number;
  /** largest reply packet allowed: the request length over UDP */
  readonly budget: number;
  readonly nonce?: Uint8Array;
}

/** The one list a reply carries (targets, scenarios or places), trimmed from its end to fit. */
const LISTS = ['targets', 'scenarios', 'places'] as const;

/**
 * Seals a reply that fits `budget`: list items (targets, scenarios or places) are dropped from the
 * end first (truncated = true, the total kept), then `message`, then permissions. Returns null when
 * even the bare status does not fit (the client did not pad its request enough): the server then
 * stays silent.
 */
export function sealReply(input: SealReplyInput): Uint8Array | null {
  const budget = Math.min(input.budget, MAX_PACKET_SIZE);
  const overhead = headerLength(input.request.deviceId) + TAG_LENGTH;
  const message = v1.PhoneReply.create({
    ...input.reply,
    counter: input.request.counter,
    serverTimeMs: input.nowMs,
  });
  const total = message.targets.length;
  if (total > 0 && !message.targetsTotal) message.targetsTotal = total;
  const items = message.scenarios.length + message.places.length;
  if (items > 0 && !message.itemsTotal) message.itemsTotal = items;
  const header: EnvelopeHeader = {
    flags: FLAG_REPLY,
    keyId: input.request.keyId,
    deviceId: input.request.deviceId,
    counter: input.request.counter,
    timestampMs: input.nowMs,
    nonce: input.nonce ?? randomNonce(),
  };
  // common case: verified and encoded once, and it fits
  const plain = encodeMessage(v1.PhoneReply, message, 'PhoneReply');
  if (overhead + plain.length <= budget) return sealEnvelope(input.key, header, plain);
  const size = () => overhead + v1.PhoneReply.encode(message).finish().length;
  for (const list of LISTS) {
    const all = message[list] as unknown[];
    if (size() <= budget || all.length === 0) continue;
    message.truncated = true;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      (message[list] as unknown[]) = all.slice(0, mid);
      if (size() <= budget) lo = mid;
      else hi = mid - 1;
    }
    (message[list] as unknown[]) = all.slice(0, lo);
  }
  if (size() > budget && message.message) {
    message.truncated = true;
    message.message = '';
  }
  if (size() > budget && message.permissions) {
    message.truncated = true;
    message.permissions = null;
  }
  if (size() > budget) return null;
  return sealEnvelope(input.key, header, encodeMessage(v1.PhoneReply, message, 'PhoneReply'));
}

export type OpenedReply =
  | { readonly ok: true; readonly header: EnvelopeHeader; readonly reply: PhoneReply }
  | { readonly ok: false; readonly reason: string };

/** Client side: checks the reply header, tag, and that it answers `expectedCounter`. */
export function openReply(key: EnvelopeKey, packet: Uint8Array, expectedCounter?: number): OpenedReply {
  const parsed = parseEnvelope(packet, true);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const plain = openEnvelope(key, packet, parsed.headerLength);
  if (!plain) return { ok: false, reason: 'bad_tag' };
  let reply: PhoneReply;
  try {
    reply = v1.PhoneReply.decode(plain) as PhoneReply;
  } catch {
    return { ok: false, reason: 'bad_body' };
  }
  if (expectedCounter !== undefined && parsed.header.counter !== expectedCounter) {
    return { ok: false, reason: 'wrong_counter' };
  }
  return { ok: true, header: parsed.header, reply };
}

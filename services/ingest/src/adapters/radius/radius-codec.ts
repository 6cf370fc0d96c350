// RADIUS accounting packets (RFC 2866) in and out, with the `radius` library doing attribute
// decoding (dictionaries), the Message-Authenticator check and the Accounting-Response encoding
// (response authenticator, Proxy-State copied back). Two checks are our own, before the library
// sees a packet: strict framing (the library accepts an attribute that runs past the packet's end)
// and the Request Authenticator compared in constant time (the library compares two Buffers through
// toString(), which maps invalid UTF-8 to one replacement character, so different authenticators can
// compare equal). Pure functions over bytes; no socket.
import { createHash, timingSafeEqual } from 'node:crypto';
import radius from 'radius';
import type { AccountingRequest } from '../../domain/accounting-handler.js';
import type { AccountingStatus, RadiusRejectionReason } from '../../domain/ports.js';

const HEADER = 20;
const MAX_LENGTH = 4096;
const ACCOUNTING_REQUEST = 4;
/** attributes left out of a request's fingerprint: they change when the same report is resent */
const PROXY_STATE = 33;
const ACCT_DELAY_TIME = 41;
const MESSAGE_AUTHENTICATOR = 80;

type RadiusPacket = ReturnType<typeof radius.decode>;

export type Framing = { ok: true; length: number } | { ok: false; reason: RadiusRejectionReason };

/** Header and attribute framing (RFC 2865 section 3, 5): cheap, before any lookup. */
export function checkFraming(packet: Uint8Array): Framing {
  if (packet.length < HEADER) return { ok: false, reason: 'malformed' };
  const length = (packet[2]! << 8) | packet[3]!;
  if (length < HEADER || length > MAX_LENGTH || length > packet.length)
    return { ok: false, reason: 'malformed' };
  for (let at = HEADER; at < length; ) {
    const attrLength = at + 1 < length ? packet[at + 1]! : 0;
    if (attrLength < 2 || at + attrLength > length) return { ok: false, reason: 'malformed' };
    at += attrLength;
  }
  if (packet[0] !== ACCOUNTING_REQUEST) return { ok: false, reason: 'not_accounting' };
  return { ok: true, length };
}

/** RFC 2866 section 3: MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret). */
export function requestAuthenticatorValid(packet: Uint8Array, length: number, secret: Buffer): boolean {
  const md5 = createHash('md5');
  md5.update(packet.subarray(0, 4));
  md5.update(ZEROES);
  md5.update(packet.subarray(HEADER, length));
  md5.update(secret);
  return timingSafeEqual(md5.digest(), packet.subarray(4, HEADER));
}
const ZEROES = new Uint8Array(16);

export type Decoded =
  | { ok: true; request: AccountingRequest; packet: RadiusPacket }
  | { ok: false; reason: RadiusRejectionReason };

const STATUS: Record<string, AccountingStatus> = {
  Start: 'start',
  'Interim-Update': 'interim',
  Stop: 'stop',
  'Accounting-On': 'on',
  'Accounting-Off': 'off',
};

/** Decodes a framed, authenticated Accounting-Request. */
export function decodeAccountingRequest(packet: Uint8Array, length: number, secret: Buffer): Decoded {
  let decoded: RadiusPacket;
  try {
    const buffer = Buffer.from(packet.buffer, packet.byteOffset, length);
    decoded = radius.decode({ packet: buffer, secret: secret as unknown as string });
  } catch (err) {
    return {
      ok: false,
      reason: (err as Error)?.name === 'InvalidSecretError' ? 'bad_authenticator' : 'malformed',
    };
  }
  const a = decoded.attributes as Record<string, unknown>;
  const statusType = a['Acct-Status-Type'];
  if (statusType === undefined || Array.isArray(statusType)) return { ok: false, reason: 'malformed' };
  const eventTimestamp = a['Event-Timestamp'];
  const delay = a['Acct-Delay-Time'];
  return {
    ok: true,
    packet: decoded,
    request: {
      status: STATUS[String(statusType)] ?? 'other',
      callingStationId: firstString(a['Calling-Station-Id']),
      calledStationId: firstString(a['Called-Station-Id']),
      eventTimestampS: eventTimestamp instanceof Date ? eventTimestamp.getTime() / 1000 : undefined,
      delayS: typeof delay === 'number' ? delay : 0,
      fingerprint: fingerprint(packet, length),
    },
  };
}

/** The Accounting-Response to `request` (RFC 2866 section 4.2), signed with the shared secret. */
export function encodeAccountingResponse(request: RadiusPacket, secret: Buffer): Buffer {
  return radius.encode_response({
    packet: request,
    code: 'Accounting-Response',
    secret: secret as unknown as string,
  });
}

/** Digest of the code and every attribute except those a retransmission may change. */
function fingerprint(packet: Uint8Array, length: number): string {
  const md5 = createHash('md5');
  md5.update(packet.subarray(0, 1));
  for (let at = HEADER; at < length; ) {
    const type = packet[at]!;
    const attrLength = packet[at + 1]!;
    if (type !== ACCT_DELAY_TIME && type !== PROXY_STATE && type !== MESSAGE_AUTHENTICATOR) {
      md5.update(packet.subarray(at, at + attrLength));
    }
    at += attrLength;
  }
  return md5.digest('hex');
}

function firstString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

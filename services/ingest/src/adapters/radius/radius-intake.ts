// One RADIUS accounting datagram, cheapest check first: framing, known client, Request
// Authenticator, rate limit, attributes; then the accounting handler, and the Accounting-Response
// once it says so. Anything refused is dropped without an answer, counted and logged (the
// fail2ban line with "transport":"radius"). The UDP server feeds it bytes and sends what it returns.
//
// The rate limit (per source address) counts authenticated requests only: a flood of forged
// datagrams carrying a client's address fails the authenticator and cannot use up that client's
// budget (it costs one MD5 each).
import type { AccountingHandler } from '../../domain/accounting-handler.js';
import type { RadiusObserver, RadiusRejectionReason } from '../../domain/ports.js';
import type { TokenBucketTable } from '../../domain/token-bucket-table.js';
import { normalizeIp } from '../http/client-address.js';
import type { AccountingClientTable } from './accounting-client-table.js';
import {
  checkFraming,
  decodeAccountingRequest,
  encodeAccountingResponse,
  requestAuthenticatorValid,
} from './radius-codec.js';

export interface RadiusIntakeDeps {
  readonly clients: AccountingClientTable;
  readonly handler: AccountingHandler;
  readonly observer: RadiusObserver;
  readonly limits: TokenBucketTable;
  readonly nowMs: () => number;
  readonly monotonicSeconds: () => number;
}

export class RadiusIntake {
  constructor(private readonly deps: RadiusIntakeDeps) {}

  /** The Accounting-Response to send back, or null (refused or not stored: no answer). Never throws. */
  async handle(packet: Uint8Array, peer: string): Promise<Uint8Array | null> {
    const d = this.deps;
    const src = normalizeIp(peer); // an IPv4 client on a dual-stack socket: 192.0.2.1, not ::ffff:192.0.2.1
    const startedAt = d.monotonicSeconds();
    const framing = checkFraming(packet);
    if (!framing.ok) return this.reject(framing.reason, src);
    const client = d.clients.find(src);
    if (!client) return this.reject('unknown_client', src);
    if (!requestAuthenticatorValid(packet, framing.length, client.secret))
      return this.reject('bad_authenticator', src);
    if (!d.limits.take(src, d.nowMs())) return this.reject('rate_limited', src);
    const decoded = decodeAccountingRequest(packet, framing.length, client.secret);
    if (!decoded.ok) return this.reject(decoded.reason, src);
    const answer = await d.handler.handle(decoded.request, client.id, src, startedAt);
    if (!answer) return null;
    const response = encodeAccountingResponse(decoded.packet, client.secret);
    d.observer.radiusAnswered();
    return response;
  }

  private reject(reason: RadiusRejectionReason, src: string): null {
    this.deps.observer.radiusRejected(reason, src);
    return null;
  }
}

// The reference phone: builds requests per docs/protocol.md, sends them, opens the replies.
import {
  deriveEnvelopeKey,
  headerLength,
  MAX_PACKET_SIZE,
  openReply,
  type PhoneReply,
  type SealRequestInput,
  sealRequest,
  TAG_LENGTH,
} from '@sa/phone-protocol';
import { type Endpoint, sendPacket } from './transports.js';

export interface PhoneIdentity {
  readonly deviceId: string;
  /** the 16-character server key (or the device's own key) */
  readonly secret: string;
  readonly keyId: number;
  /** true: `secret` is this device's own key (derived with the device id) */
  readonly ownKey?: boolean;
}

/** Where the highest counter used so far is kept (the reference CLI: its state file). */
export interface CounterStore {
  /** the highest counter used so far (0: none) */
  last(): number;
  /** records `counter` as used; called before the packet leaves, so a crash never reuses it */
  used(counter: number): void;
}

export interface PhoneClientOptions {
  /** default: in memory only (a fresh client starts at the clock) */
  readonly counterStore?: CounterStore;
}

export type RequestBody = SealRequestInput['body'];

export interface SendOptions {
  readonly counter?: number;
  readonly timestampMs?: number;
  readonly padTo?: number;
  /** transforms the sealed packet before it is sent (garbling for tests) */
  readonly mutate?: (packet: Uint8Array) => Uint8Array;
  /** send the same bytes this many extra times (replay) */
  readonly replays?: number;
  readonly timeoutMs?: number;
}

export interface SendResult {
  readonly packet: Uint8Array;
  readonly counter: number;
  /** decrypted replies that verified and answer this counter */
  readonly replies: PhoneReply[];
  /** raw replies (including any that failed to verify) */
  readonly rawReplies: Uint8Array[];
}

/** A reply without targets needs at most 64 bytes of plaintext (docs/protocol.md section 7). */
const LIST_REPLIES = [
  'listTargets',
  'createTarget',
  'listScenarios',
  'saveScenario',
  'deleteScenario',
  'listPlaces',
  'savePlace',
  'deletePlace',
] as const;

export function defaultPadding(deviceId: string, body: RequestBody): number {
  // a reply is never bigger than its request: ask for room for a list (targets, scenarios, places)
  if (LIST_REPLIES.some((kind) => body[kind])) return MAX_PACKET_SIZE;
  return headerLength(deviceId) + TAG_LENGTH + 64;
}

export class PhoneClient {
  private readonly key: Uint8Array;
  private lastCounter = 0;

  constructor(
    private readonly identity: PhoneIdentity,
    private readonly endpoint: Endpoint,
    private readonly options: PhoneClientOptions = {},
  ) {
    this.key = deriveEnvelopeKey(identity.secret, identity.ownKey ? identity.deviceId : '');
  }

  /**
   * Counter = max(current time in ms, last counter + 1) (docs/protocol.md section 6): strictly
   * increasing, across runs too when a counter store keeps the last one.
   */
  nextCounter(): number {
    const store = this.options.counterStore;
    const last = Math.max(this.lastCounter, store?.last() ?? 0);
    this.lastCounter = Math.max(Date.now(), last + 1);
    store?.used(this.lastCounter);
    return this.lastCounter;
  }

  seal(body: RequestBody, options: SendOptions = {}): { packet: Uint8Array; counter: number } {
    const counter = options.counter ?? this.nextCounter();
    const packet = sealRequest({
      key: this.key,
      keyId: this.identity.keyId,
      deviceId: this.identity.deviceId,
      counter,
      timestampMs: options.timestampMs ?? Date.now(),
      body,
      padTo: options.padTo ?? defaultPadding(this.identity.deviceId, body),
    });
    return { packet: options.mutate ? options.mutate(packet) : packet, counter };
  }

  async send(body: RequestBody, options: SendOptions = {}): Promise<SendResult> {
    const { packet, counter } = this.seal(body, options);
    const copies = Array.from({ length: 1 + (options.replays ?? 0) }, () => packet);
    const rawReplies = await sendPacket(this.endpoint, copies, options.timeoutMs ?? 2000);
    const replies: PhoneReply[] = [];
    for (const raw of rawReplies) {
      const opened = openReply(this.key, raw, counter);
      if (opened.ok) replies.push(opened.reply);
    }
    return { packet, counter, replies, rawReplies };
  }
}

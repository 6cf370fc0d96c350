// The fleet's phones, in this process, over UDP: phone i reports to ingest i % 2 with its own
// enrolled key, at one of the fleet's two places (@sa/e2e fleet.ts). As the real client does, a
// report counts only once ingest answered OK (ingest answers after JetStream stored the event);
// silence or UNAVAILABLE means retry (capped exponential backoff, full jitter, shortened here to
// 0.25-2 s so the run sees the retries land), always with the latest network and a new counter.
// A phone moves only between reports whose place was acknowledged, so at any time it has one
// acknowledged place and at most one place awaiting an answer.
import { createSocket, type Socket } from 'node:dgram';
import { type FleetPhone, initialPlace, PLACES } from '@sa/e2e';
import { defaultPadding, type RequestBody } from '@sa/phone-client';
import {
  deriveEnvelopeKey,
  type EnvelopeKey,
  openReply,
  parseEnvelope,
  sealRequest,
} from '@sa/phone-protocol';
import { v1 } from '@sa/proto';

export interface FleetSettings {
  /** ingest UDP addresses; phone i uses ingests[i % length] */
  readonly ingests: readonly { host: string; port: number }[];
  readonly intervalS: number;
  /** chance of a (non-retry) report to come from the other place, in % */
  readonly movePct: number;
}

/** What the fleet tells: a place acknowledged (`firstSentAtMs`: the first report from that place). */
export interface AckListener {
  acked(i: number, place: number, firstSentAtMs: number, atMs: number): void;
}

const REPLY_TIMEOUT_MS = 2000;
const BACKOFF = { initialMs: 250, maxMs: 2000 };
const OK = v1.ReplyStatus.REPLY_STATUS_OK;

export class PhoneFleet {
  readonly sent = { reports: 0, retries: 0, acked: 0, unavailable: 0 };
  /** the place of each phone's last acknowledged report (-1: none yet) */
  readonly ackedPlace: Int8Array;
  /** the place of the report awaiting an answer (-1: none) */
  readonly pendingPlace: Int8Array;
  moving = true;
  readonly #keys: EnvelopeKey[];
  readonly #index = new Map<string, number>();
  readonly #counter: Float64Array;
  /** first counter sent from the current pending place: an OK to any later counter acknowledges it */
  readonly #firstCounter: Float64Array;
  readonly #firstSentAt: Float64Array;
  readonly #dueAt: Float64Array;
  readonly #attempt: Uint8Array;
  /** 1 while the last report of a pending place awaits its answer, 0 while backing off */
  readonly #waiting: Uint8Array;
  readonly #place: Int8Array;
  #socket: Socket | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly phones: readonly FleetPhone[],
    readonly settings: FleetSettings,
    readonly listener: AckListener,
  ) {
    const n = phones.length;
    this.#keys = phones.map((p) => deriveEnvelopeKey(p.secret, p.deviceId));
    for (const [i, p] of phones.entries()) this.#index.set(p.deviceId, i);
    this.ackedPlace = new Int8Array(n).fill(-1);
    this.pendingPlace = new Int8Array(n).fill(-1);
    this.#counter = new Float64Array(n);
    this.#firstCounter = new Float64Array(n);
    this.#firstSentAt = new Float64Array(n);
    this.#attempt = new Uint8Array(n);
    this.#waiting = new Uint8Array(n);
    this.#place = Int8Array.from({ length: n }, (_, i) => initialPlace(i));
    // first reports spread over one interval, as the steady state's
    this.#dueAt = Float64Array.from(
      { length: n },
      () => Date.now() + Math.random() * settings.intervalS * 1000,
    );
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    socket.on('message', (m: Buffer) => this.#reply(m));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    this.#socket = socket;
    this.#timer = setInterval(() => this.#tick(), 10);
  }

  /** Phones with a report still awaiting its answer. */
  pendingCount(): number {
    let n = 0;
    for (const p of this.pendingPlace) if (p >= 0) n++;
    return n;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#socket?.close();
    this.#socket = null;
  }

  #tick(): void {
    const now = Date.now();
    for (let i = 0; i < this.phones.length; i++) {
      if (this.#dueAt[i]! > now) continue;
      if (this.pendingPlace[i]! < 0) this.#report(i, now);
      // no answer in time: back off, then retry from the same place
      else if (this.#waiting[i]) this.#backOff(i, now);
      else this.#retry(i, now);
    }
  }

  /**
   * Moves `count` random phones (among those with an acknowledged place and nothing awaiting an
   * answer) to their other place now, each reporting it at once: probes of how fast a move reaches
   * AstDB at that moment. Returns how many moved.
   */
  moveNow(count: number): number {
    const now = Date.now();
    let moved = 0;
    for (let tries = 0; moved < count && tries < count * 20; tries++) {
      const i = Math.floor(Math.random() * this.phones.length);
      if (this.ackedPlace[i]! < 0 || this.pendingPlace[i]! >= 0) continue;
      this.#report(i, now, true);
      moved++;
    }
    return moved;
  }

  #report(i: number, now: number, move = false): void {
    if (move || (this.moving && this.ackedPlace[i]! >= 0 && Math.random() * 100 < this.settings.movePct)) {
      this.#place[i] = this.#place[i]! ^ 1;
    }
    const place = this.#place[i]!;
    this.#attempt[i] = 0;
    this.#send(i, now, true);
    this.pendingPlace[i] = place;
  }

  #retry(i: number, now: number): void {
    this.sent.retries++;
    this.#attempt[i] = Math.min(this.#attempt[i]! + 1, 30);
    this.#send(i, now, false);
  }

  #send(i: number, now: number, first: boolean): void {
    const counter = Math.max(now, this.#counter[i]! + 1);
    this.#counter[i] = counter;
    if (first) {
      this.#firstCounter[i] = counter;
      this.#firstSentAt[i] = now;
    }
    const deviceId = this.phones[i]!.deviceId;
    const body = presenceBody(i, this.#place[i]!);
    const packet = sealRequest({
      key: this.#keys[i]!,
      keyId: this.phones[i]!.keyId,
      deviceId,
      counter,
      timestampMs: now,
      body,
      padTo: defaultPadding(deviceId, body),
    });
    const to = this.settings.ingests[i % this.settings.ingests.length]!;
    this.#socket?.send(packet, to.port, to.host);
    this.sent.reports++;
    this.#waiting[i] = 1;
    this.#dueAt[i] = now + REPLY_TIMEOUT_MS;
  }

  #backOff(i: number, now: number): void {
    const ceiling = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * 2 ** this.#attempt[i]!);
    this.#waiting[i] = 0;
    this.#dueAt[i] = now + Math.max(1, Math.random() * ceiling);
  }

  #reply(packet: Buffer): void {
    const parsed = parseEnvelope(packet, true);
    if (!parsed.ok) return;
    const i = this.#index.get(parsed.header.deviceId);
    if (i === undefined || this.pendingPlace[i]! < 0) return;
    if (parsed.header.counter < this.#firstCounter[i]!) return; // an answer to an older place
    const opened = openReply(this.#keys[i]!, packet);
    if (!opened.ok) return;
    const now = Date.now();
    if ((opened.reply.status ?? 0) !== OK) {
      this.sent.unavailable++;
      this.#backOff(i, now);
      return;
    }
    const place = this.pendingPlace[i]!;
    this.pendingPlace[i] = -1;
    this.#waiting[i] = 0;
    this.ackedPlace[i] = place;
    this.sent.acked++;
    this.#dueAt[i] = now + this.settings.intervalS * 1000 * (0.9 + Math.random() * 0.2);
    this.listener.acked(i, place, this.#firstSentAt[i]!, now);
  }
}

/** The same report every time from one place (so router can mark it quiet and ingest answer it alone). */
function presenceBody(i: number, place: number): RequestBody {
  const at = PLACES[place]!;
  const connected = { ssid: at.ssid, bssid: at.bssids[i % at.bssids.length]!, rssiDbm: -50 };
  return { presence: { connected, visible: [connected] } };
}

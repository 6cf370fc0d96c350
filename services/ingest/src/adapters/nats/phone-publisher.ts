// The notifier: the only code that knows phone-stream subjects. A JetStream publish is a core
// publish whose reply subject receives the stream's ack; instead of one request (promise chain,
// timer and captured stack) per message, every ack arrives on ONE wildcard inbox subscription and
// is matched by sequence number, and one timer sweeps expired ones. At most `maxInFlight` await
// their ack; beyond it messages queue (up to `maxQueued`), and beyond the queue they fail.
// Publishes are handed to the connection once per event-loop turn (setImmediate), after every
// datagram read in that turn was handled: the client then writes them to the socket in one write
// instead of one small write per packet.
//
// When the stream does not store (it answers with an error, or no ack at all arrives for STALL_MS
// while publishes wait: a NATS node died and the stream elects a leader, 2-5 s), each event waiting
// is also published once, best effort, on core NATS as an unstored copy (BusNames.unstored): router
// applies it at once, so a move reaches AstDB during the election instead of after it and after the
// consumers' own elections. The publish still fails, the phone is answered UNAVAILABLE and sends
// its report again until the stream stores it: durability is unchanged. Under mere load acks keep
// arriving, and nothing is copied.
import { headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { connectionInbox } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { PhoneEventPublisher, PresenceReported, ScenarioChosen } from '../../domain/ports.js';
import { IngestError } from '../../errors.js';

export interface PublisherOptions {
  readonly maxInFlight: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
}

interface Pending {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  /** with the stream sequence of the PubAck (0 when it did not say) */
  readonly resolve: (seq: number) => void;
  readonly reject: (err: unknown) => void;
  sentAtMs: number;
  /** its unstored copy was published */
  copied: boolean;
}

/** no ack at all for this long, while a publish waits longer than it: the stream is not storing */
const STALL_MS = 250;
const STALL_CHECK_MS = 100;

// `{"stream":` : every positive PubAck starts with it (a duplicate adds "duplicate":true, still stored)
const ACK_PREFIX = [0x7b, 0x22, 0x73, 0x74, 0x72, 0x65, 0x61, 0x6d, 0x22, 0x3a];

export class NatsPhoneEventPublisher implements PhoneEventPublisher {
  private readonly inbox: string;
  private readonly sub: Subscription;
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting: Pending[] = [];
  private waitingHead = 0;
  private seq = 0;
  private outbox: Array<{ readonly p: Pending; readonly reply: string }> = [];
  private flushScheduled = false;
  private readonly sweeper: NodeJS.Timeout;
  private readonly stallCheck: NodeJS.Timeout;
  private lastAckAtMs = Date.now();
  /** unstored copies published (sa_ingest_unstored_copies_total) */
  unstoredCopies = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly options: PublisherOptions,
  ) {
    this.inbox = connectionInbox(nc); // ingest's bus user may subscribe to its own inboxes only
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const seq = Number(msg.subject.slice(this.inbox.length + 1));
        this.lastAckAtMs = Date.now();
        const p = this.inFlight.get(seq);
        if (!p) return; // timed out already
        this.inFlight.delete(seq);
        const failure = ackFailure(msg.data, msg.headers?.code ?? 0);
        if (failure === null) p.resolve(ackSeq(msg.data));
        else {
          this.copyUnstored(p);
          p.reject(new IngestError('INGEST_PUBLISH_FAILED', { subject: p.subject, reason: failure }));
        }
        this.sendWaiting();
      },
    });
    const sweepMs = Math.max(50, Math.min(1000, options.timeoutMs / 4));
    this.sweeper = setInterval(() => this.expire(Date.now()), sweepMs);
    this.sweeper.unref();
    this.stallCheck = setInterval(() => this.copyStalled(Date.now()), STALL_CHECK_MS);
    this.stallCheck.unref();
  }

  presenceReported(event: PresenceReported, msgId: string): Promise<number> {
    const data = encodeMessage(v1.PresenceReported, event, 'PresenceReported');
    return this.publish(this.names.presence(event.extension), data, msgId);
  }

  async scenarioChosen(event: ScenarioChosen, msgId: string): Promise<void> {
    const data = encodeMessage(v1.ScenarioChosen, event, 'ScenarioChosen');
    await this.publish(this.names.choice(event.extension), data, msgId);
  }

  get pending(): number {
    return this.inFlight.size + this.waiting.length - this.waitingHead;
  }

  /** Stops the ack subscription and fails whatever still waits (call before draining NATS). */
  close(): void {
    clearInterval(this.sweeper);
    clearInterval(this.stallCheck);
    this.outbox = [];
    this.expire(Number.POSITIVE_INFINITY);
    this.sub.unsubscribe();
  }

  private publish(subject: string, data: Uint8Array, msgId: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const p: Pending = { subject, data, msgId, resolve, reject, sentAtMs: 0, copied: false };
      if (this.inFlight.size < this.options.maxInFlight) {
        this.send(p);
      } else if (this.waiting.length - this.waitingHead < this.options.maxQueued) {
        this.waiting.push(p);
      } else {
        reject(new IngestError('INGEST_PUBLISH_OVERLOADED', { subject }));
      }
    });
  }

  private send(p: Pending): void {
    const seq = ++this.seq;
    p.sentAtMs = Date.now();
    this.inFlight.set(seq, p);
    this.outbox.push({ p, reply: `${this.inbox}.${seq}` });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.outbox;
    this.outbox = [];
    for (const { p, reply } of batch) {
      const h = headers();
      h.set('Nats-Msg-Id', p.msgId);
      try {
        this.nc.publish(p.subject, p.data, { reply, headers: h });
      } catch (cause) {
        this.inFlight.delete(Number(reply.slice(this.inbox.length + 1)));
        p.reject(new IngestError('INGEST_PUBLISH_FAILED', { subject: p.subject }, { cause }));
      }
    }
    this.sendWaiting();
  };

  private sendWaiting(): void {
    while (this.waitingHead < this.waiting.length && this.inFlight.size < this.options.maxInFlight) {
      const next = this.waiting[this.waitingHead]!;
      this.waiting[this.waitingHead++] = undefined as unknown as Pending;
      this.send(next);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    }
  }

  /** While no ack arrives at all, copies every publish that has waited STALL_MS (see the top). */
  private copyStalled(nowMs: number): void {
    if (nowMs - this.lastAckAtMs < STALL_MS) return;
    const limit = nowMs - STALL_MS;
    for (const p of this.inFlight.values()) {
      if (p.sentAtMs > limit) break;
      this.copyUnstored(p);
    }
  }

  private copyUnstored(p: Pending): void {
    if (p.copied) return;
    p.copied = true;
    try {
      this.nc.publish(this.names.unstored(p.subject), p.data);
      this.unstoredCopies++;
    } catch {
      // best effort: the phone sends its report again anyway
    }
  }

  /** Fails publishes sent before `nowMs - timeoutMs` (Map order = send order) and queued ones past it. */
  private expire(nowMs: number): void {
    const limit = nowMs - this.options.timeoutMs;
    for (const [seq, p] of this.inFlight) {
      if (p.sentAtMs > limit) break;
      this.inFlight.delete(seq);
      if (nowMs !== Number.POSITIVE_INFINITY) this.copyUnstored(p); // not on close()
      p.reject(new IngestError('INGEST_PUBLISH_FAILED', { subject: p.subject, reason: 'ack timeout' }));
    }
    if (nowMs === Number.POSITIVE_INFINITY) {
      for (let i = this.waitingHead; i < this.waiting.length; i++) {
        const p = this.waiting[i]!;
        p.reject(new IngestError('INGEST_PUBLISH_FAILED', { subject: p.subject, reason: 'closed' }));
      }
      this.waiting.length = 0;
      this.waitingHead = 0;
      return;
    }
    this.sendWaiting();
  }
}

/** A positive PubAck's stream sequence (`"seq":<n>`), 0 when it has none. */
export function ackSeq(data: Uint8Array): number {
  const m = /"seq":(\d+)/.exec(new TextDecoder().decode(data));
  return m ? Number(m[1]) : 0;
}

/** null when `data` is a positive PubAck; otherwise why the stream did not store the message. */
export function ackFailure(data: Uint8Array, statusCode: number): string | null {
  if (statusCode === 503) return 'no responders (stream missing)';
  let positive = data.length > ACK_PREFIX.length;
  for (let i = 0; positive && i < ACK_PREFIX.length; i++) positive = data[i] === ACK_PREFIX[i];
  if (positive) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as { error?: { description?: string } };
    return parsed.error?.description ?? 'invalid ack';
  } catch {
    return 'invalid ack';
  }
}

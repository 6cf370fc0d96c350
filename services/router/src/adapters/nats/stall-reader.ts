// A partition's durable consumer is an R3 raft group of its own: when the NATS node leading it dies
// it delivers nothing until its peers elect a new leader, which on NATS 2.9 took 2 to 13 s in the
// chaos test, well after the stream itself stored again. Meanwhile router reads the stream message
// by message (STREAM.MSG.GET, answered by the stream's leader: no consumer to create, so neither a
// consumer's election nor the meta leader is waited for), WINDOW requests at a time, from after
// the durable's last delivery, until the durable delivers again. Nothing read this way is
// acknowledged: the durable brings it all again afterwards, and the engine's per-device counters
// make those no-ops.
//
// A stall is noticed here, not through the client's missed-heartbeat notice: after a reconnect
// the client watches heartbeats again only once the consumer answers an info request, which it
// cannot while it has no leader (a CI run waited out the whole election that way). So: silence
// from the durable (no message, no idle heartbeat, one of which comes every half pull expiry) for
// SILENT_MS, or a reconnect of our connection (the pull request died with the old node).
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { QueuedIterator, Status } from '@nats-io/transport-node';
import type { Logger, NatsConnection } from '@sa/platform';

/** What the partition consumer needs of a stream message (a JsMsg is one). */
export interface StreamMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly seq: number;
  ack(): void;
  /**
   * Read beside the durable (this stall reader, or a resumed partition's replay): acknowledging it
   * acknowledges nothing, and the durable brings it again unless a later ack of its own covers it.
   */
  readonly direct?: 'stall' | 'replay';
}

const WINDOW = 32;
const IDLE_MS = 100;
const REQUEST_TIMEOUT_MS = 500;
const SILENT_MS = 1000;
const SILENCE_CHECK_MS = 100;
export const noAck = () => {};

export class StallReader {
  private running = false;
  /** bumped by every open(): a loop from before an end() and a new open() stops instead of reading beside the new one */
  private generation = 0;
  private next = 0;
  private jsm: Promise<JetStreamManager> | null = null;
  /** when the durable was last heard from, and what watches it (see watch) */
  private heardAt = 0;
  private silenceTimer: NodeJS.Timeout | null = null;
  private connectionEvents: AsyncIterable<Status> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly deliver: (m: StreamMessage) => void,
    private readonly logger: Logger,
  ) {}

  /**
   * Watches the durable until unwatch(): silent for SILENT_MS, or our connection moved to another
   * node, reads from `stalledAt()` on (null: not known yet, nothing read). Silence counts only while
   * the partition is idle (`busy` false: nothing received is waiting to be handled) and our event
   * loop runs: a router busy with a backlog, or one whose loop was blocked or stopped, read the
   * stream beside its durable and handled every event twice (bench:router: 12 % of its CPU).
   */
  watch(stalledAt: () => number | null, busy: () => boolean): void {
    this.unwatch();
    const openIfKnown = () => {
      const from = stalledAt();
      if (from !== null) this.open(from);
    };
    this.heardAt = Date.now();
    let checkedAt = Date.now();
    this.silenceTimer = setInterval(() => {
      const now = Date.now();
      const late = now - checkedAt > 3 * SILENCE_CHECK_MS;
      checkedAt = now;
      if (late || busy()) this.heardAt = now;
      else if (now - this.heardAt >= SILENT_MS) openIfKnown();
    }, SILENCE_CHECK_MS);
    this.silenceTimer.unref();
    const events = this.nc.status();
    this.connectionEvents = events;
    void (async () => {
      for await (const s of events) if (s.type === 'reconnect') openIfKnown();
    })();
  }

  /** The durable's server sent something (a heartbeat, a pull's end): it has a leader. */
  heard(): void {
    this.heardAt = Date.now();
  }

  /** The durable delivered a message: reading directly ends. */
  delivered(): void {
    this.heardAt = Date.now();
    this.end();
  }

  /** Stops watching and reading. */
  unwatch(): void {
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = null;
    (this.connectionEvents as Partial<QueuedIterator<Status>> | null)?.stop?.();
    this.connectionEvents = null;
    this.end();
  }

  /** Reads from `fromSeq` on, unless already reading, until end(). */
  private open(fromSeq: number): void {
    if (this.running) return;
    this.running = true;
    this.next = fromSeq;
    const generation = ++this.generation;
    this.logger.warn(
      { event: 'phone_consumer_bridge', fromSeq },
      'phone consumer stalled: reading the stream directly until it delivers again',
    );
    void this.loop(generation).catch((err) => {
      this.logger.warn({ err }, 'reading the stream directly failed');
      if (generation === this.generation) this.running = false;
    });
  }

  private end(): void {
    if (!this.running) return;
    this.running = false;
    this.logger.info({ event: 'phone_consumer_bridge_end' }, 'phone consumer delivers again');
  }

  private async loop(generation: number): Promise<void> {
    // no account-info check: made while the connection moved to another node, it failed, and a
    // failed manager kept every later read failing (a CI run waited out the election that way)
    this.jsm ??= jetstreamManager(this.nc, { timeout: REQUEST_TIMEOUT_MS, checkAPI: false });
    const jsm = await this.jsm;
    const current = () => this.running && generation === this.generation;
    while (current()) {
      const seqs = Array.from({ length: WINDOW }, (_, i) => this.next + i);
      // undefined: no answer (no stream leader yet); null: no such message (not stored yet)
      const got = await Promise.all(
        seqs.map((seq) => jsm.streams.getMessage(this.stream, { seq }).catch(() => undefined)),
      );
      let read = 0;
      for (const m of got) {
        if (!m || !current()) break;
        this.deliver({ subject: m.subject, data: m.data, seq: m.seq, ack: noAck, direct: 'stall' });
        read++;
      }
      this.next += read;
      if (read === WINDOW) continue;
      if (read === 0 && got[0] === null) await this.skipRemoved(jsm);
      await new Promise((r) => setTimeout(r, IDLE_MS));
    }
  }

  /** The stream's limits remove messages from its front: start at its first one if that is later. */
  private async skipRemoved(jsm: JetStreamManager): Promise<void> {
    const first = await jsm.streams
      .info(this.stream)
      .then((i) => i.state.first_seq)
      .catch(() => 0);
    if (first > this.next) this.next = first;
  }
}

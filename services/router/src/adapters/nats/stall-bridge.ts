// A partition's durable consumer is an R3 raft group of its own: when the NATS node leading it dies,
// it delivers nothing until its peers elect a new leader, which on NATS 2.9 took 2 to 13 s in the
// chaos test, well after the stream itself stored again. Meanwhile router reads the stream directly
// with an ordered consumer (R1, in memory: created by the meta leader, no election of its own),
// from the message after the last one the durable delivered, until the durable delivers again.
// Nothing read this way is acknowledged: the durable brings it all again afterwards, and the
// engine's per-device counters make those no-ops. A partition resumed after a Redis failover reads
// its replay the same way, up to a given message (phone-consumer.ts, resume).
import { type ConsumerMessages, type DeliverPolicy, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { Logger, NatsConnection } from '@sa/platform';

/** where a consumer starts (the consumer config's deliver fields) */
export interface DeliverFrom {
  readonly deliver_policy: DeliverPolicy;
  readonly opt_start_seq?: number;
  readonly opt_start_time?: string;
}

export class StallBridge {
  private messages: ConsumerMessages | null = null;
  /** an open() under way; end() meanwhile makes it close what it opened */
  private opening = false;
  private ended = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly options: { readonly maxMessages: number; readonly expiresMs: number },
    private readonly deliver: (m: JsMsg) => void,
    private readonly logger: Logger,
  ) {}

  get active(): boolean {
    return this.messages !== null || this.opening;
  }

  /**
   * Starts reading at `from` unless already reading; a failure (no stream leader yet) is left to the
   * next call. With `untilSeq`, reading ends after that stream sequence.
   */
  async open(from: DeliverFrom, untilSeq?: number): Promise<void> {
    if (this.active) return;
    this.opening = true;
    this.ended = false;
    try {
      const consumer = await jetstream(this.nc).consumers.get(this.stream, { ...from });
      const messages = await consumer.consume({
        max_messages: this.options.maxMessages,
        expires: this.options.expiresMs,
        callback: (m) => {
          this.deliver(m);
          if (untilSeq !== undefined && m.seq >= untilSeq) this.end();
        },
      });
      if (this.ended) {
        await messages.close().catch(() => {});
        return;
      }
      this.messages = messages;
      this.logger.warn(
        { event: 'phone_consumer_bridge', from },
        'phone consumer stalled: reading the stream directly until it delivers again',
      );
    } catch (err) {
      this.logger.debug({ err }, 'stall bridge not opened yet');
    } finally {
      this.opening = false;
    }
  }

  /** The durable delivers again (or stops): reading directly ends. */
  end(): void {
    if (!this.active) return;
    this.ended = true;
    const messages = this.messages;
    this.messages = null;
    if (!messages) return;
    this.logger.info({ event: 'phone_consumer_bridge_end' }, 'phone consumer delivers again');
    void messages.close().catch(() => {});
  }
}

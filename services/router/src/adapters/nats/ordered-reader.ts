// Reads the phone stream directly with an ordered consumer (R1, in memory, no acks) from a given
// position up to a given message: a partition resumed under the same lease after a Redis failover
// reads what it must replay this way beside its kept durable (phone-consumer.ts, resume). Nothing
// read this way is acknowledged; the engine's per-device counters make repeats no-ops.
import { type ConsumerMessages, type DeliverPolicy, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { Logger, NatsConnection } from '@sa/platform';

/** where a consumer starts (the consumer config's deliver fields) */
export interface DeliverFrom {
  readonly deliver_policy: DeliverPolicy;
  readonly opt_start_seq?: number;
  readonly opt_start_time?: string;
}

export class OrderedReader {
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
   * Starts reading at `from` unless already reading. With `untilSeq`, reading ends after that stream
   * sequence.
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
      this.logger.info(
        { event: 'phone_consumer_replay', from, untilSeq },
        'replaying the phone stream directly',
      );
    } catch (err) {
      this.logger.warn({ err, from }, 'the phone stream could not be replayed directly');
    } finally {
      this.opening = false;
    }
  }

  /** Reading ends (the replay reached its last message, or the partition stops). */
  end(): void {
    if (!this.active) return;
    this.ended = true;
    const messages = this.messages;
    this.messages = null;
    if (!messages) return;
    void messages.close().catch(() => {});
  }
}

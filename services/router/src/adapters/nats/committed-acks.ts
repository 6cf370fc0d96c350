// Acknowledges a partition durable's messages once they are committed. Acks are cumulative (AckAll),
// so committed batches are acknowledged together: every ACK_DELAY_MS or every quarter of
// max_ack_pending. One ack per small batch made the server update the consumer's stored state
// thousands of times a second, which slowed its deliveries, which kept batches small (measured:
// batches of ~1-10 messages while draining a backlog).
//
// Only a message the durable delivered acknowledges anything: one read directly beside it (the
// stall reader's, a resumed partition's replay) has no ack, so a batch is acknowledged through the
// last message of the durable in it.
import type { StreamMessage } from './stall-reader.js';

const ACK_DELAY_MS = 20;

export class CommittedAcks {
  /** the last committed message of the durable not yet acknowledged, and how many it acknowledges */
  private toAck: StreamMessage | null = null;
  private unacked = 0;
  private timer: NodeJS.Timeout | null = null;
  /** acks wait until a replay committed through `untilSeq` (see holdUntilReplayed) */
  private hold: { readonly untilSeq: number; readonly timer: NodeJS.Timeout } | null = null;

  constructor(private readonly options: { readonly maxAckPending: number; readonly ackWaitMs: number }) {}

  /**
   * A resumed partition's kept durable still holds what the previous run received unacknowledged,
   * and delivers what is newer at once, often before the replay brings the older: one cumulative ack
   * of a newer message would acknowledge the older unseen (lost if this router then died). So acks
   * wait until the replay has committed through `untilSeq`, or at most ack_wait: by then the durable
   * delivers the old ones again itself (a replay that could not start, or whose last message the
   * stream's limits removed, would otherwise hold them until max_ack_pending stops the partition).
   */
  holdUntilReplayed(untilSeq: number): void {
    const timer = setTimeout(() => this.release(), this.options.ackWaitMs);
    timer.unref();
    this.hold = { untilSeq, timer };
  }

  /** A batch committed (every earlier one did too): acknowledged soon, unless acks are held. */
  committed(batch: readonly StreamMessage[]): void {
    const last = batch.findLast((m) => !m.direct);
    if (last) {
      this.toAck = last;
      this.unacked += batch.length;
      if (this.unacked >= Math.max(1, this.options.maxAckPending / 4)) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), ACK_DELAY_MS);
    }
    const hold = this.hold;
    if (hold && batch.some((m) => m.direct === 'replay' && m.seq >= hold.untilSeq)) this.release();
  }

  /** Acknowledges what is committed now (not while held), and ends any hold: the partition stops. */
  stop(): void {
    this.flush(); // not while held: the next run reads from the ack floor again
    if (this.hold) clearTimeout(this.hold.timer);
    this.hold = null;
  }

  private release(): void {
    if (!this.hold) return;
    clearTimeout(this.hold.timer);
    this.hold = null;
    if (this.toAck) this.flush();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.hold) return; // kept in toAck until release
    this.toAck?.ack();
    this.toAck = null;
    this.unacked = 0;
  }
}

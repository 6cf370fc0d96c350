// One durable JetStream pull consumer per partition on the phone stream. Why partitions with one
// owner each (and not a shared consumer with a per-user guard): a shared consumer would let two
// instances handle the same user's events concurrently; the Lua guard would keep the stored state
// right, but the AstDB writes that follow could still reach ami-bridge out of order and leave a
// stale target in Asterisk. With one owner per partition, one user's events and effects are
// sequential. Our NATS server (2.9) has no subject-partition transforms, so every partition
// consumer sees the whole stream and skips other partitions' users (cheap: decode is skipped,
// acks are cumulative). One instance (the default) runs ROUTER_PARTITIONS=1: no overhead.
//
// Messages are batched as they arrive (everything buffered while the previous batch committed),
// grouped per user in stream order, committed, and only then acknowledged with one AckAll for the
// batch's last message the durable delivered (what is read directly beside it has no ack). A crash
// before the ack means redelivery after ack_wait; the engine's per-device counters make the replay
// a no-op.
//
// Up to `pipelineDepth` batches are in flight: the next batch is evaluated while the previous
// one's Redis commit is under way (the decision processor keeps each user's batches in order).
// Acks stay in stream order: a batch is acked only after it and every earlier batch committed.
// When one fails, everything in flight is awaited and redone from the oldest unacked message.
import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
} from '@nats-io/jetstream';
import { type Logger, type NatsConnection, partitionDurable, partitionOf } from '@sa/platform';
import { Backoff, type BackoffPolicy } from '@sa/platform/backoff';
import type { BusNames } from '@sa/proto';
import type { RouterEvent } from '../../domain/types.js';
import { CommittedAcks } from './committed-acks.js';
import { type DeliverFrom, OrderedReader } from './ordered-reader.js';
import { PhoneEventGrouper } from './phone-events.js';
import { noAck, StallReader, type StreamMessage } from './stall-reader.js';

export type BatchHandler = (batch: Map<string, RouterEvent[]>) => Promise<'ok' | 'fenced'>;

export interface PhoneConsumerOptions {
  readonly partition: number;
  readonly partitions: number;
  readonly ackWaitMs: number;
  readonly batchMax: number;
  /** messages requested per pull (see start) */
  readonly pullMax: number;
  /** delivered, unacked messages the server lets this consumer hold (its back-pressure) */
  readonly maxAckPending: number;
  /** batches evaluated/committed concurrently (1 = strictly one after another) */
  readonly pipelineDepth?: number;
  readonly durablePrefix: string;
  /** at start, also deliver again what the stream received this long before now (see takeOver) */
  readonly replayMs?: number;
  /**
   * This router ran the partition under the same lease a moment ago (restarted after a Redis
   * failover): the durable is kept, and what takeOver would deliver again is read directly (resume).
   */
  readonly resume?: boolean;
}

const NS = 1_000_000;
/** how long a direct read (stall reader, replay) waits for messages per request */
const DIRECT_EXPIRES_MS = 1000;
/** the durable's pull requests: see start() */
const PULL_EXPIRES_MS = 10_000;
const IDLE_HEARTBEAT_MS = 500;
/** notifications only the durable's server sends (a pull expired, heartbeats): it is alive (stall-reader.ts) */
const FROM_SERVER = new Set(['discard', 'heartbeat', 'flow_control', 'debug']);
/** consumer notifications of normal work, not logged: those and our own pulls */
const ROUTINE_STATUS = new Set(['next', ...FROM_SERVER]);
/** A batch that was not committed is redone after 200 ms doubling to 5 s (no jitter: one loop per partition). */
const BATCH_RETRY: BackoffPolicy = { initialDelayMs: 200, maxDelayMs: 5000, jitter: 0 };

/**
 * What a durable has still to see acknowledged: everything after its ack floor. One that has
 * acknowledged nothing yet reports a floor of 0 (NATS 2.9) however late it was created to start, so
 * it owes from that start: reading from the stream's first message instead replayed up to its 24 h
 * retention whenever a partition restarted before its new durable's first ack (a quiet night).
 */
function owedBy(info: Pick<ConsumerInfo, 'ack_floor' | 'config'>): DeliverFrom {
  const acked = info.ack_floor.stream_seq;
  const { deliver_policy, opt_start_seq, opt_start_time } = info.config;
  if (acked === 0 && deliver_policy === DeliverPolicy.StartTime && opt_start_time)
    return { deliver_policy, opt_start_time };
  const start =
    acked === 0 && deliver_policy === DeliverPolicy.StartSequence ? (opt_start_seq ?? 1) : acked + 1;
  return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start };
}

export function durableName(
  o: Pick<PhoneConsumerOptions, 'durablePrefix' | 'partition' | 'partitions'>,
): string {
  return partitionDurable(o.durablePrefix, o.partition, o.partitions);
}

export class PhonePartitionConsumer {
  private messages: ConsumerMessages | null = null;
  private buffer: StreamMessage[] = [];
  private draining: Promise<void> | null = null;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private readonly acks: CommittedAcks;
  private readonly grouper: PhoneEventGrouper;
  private readonly bridge: StallReader;
  /** a resumed partition's replay (see resume) */
  private readonly replay: OrderedReader;
  /** where the durable started, and the stream sequence of the last message it delivered since */
  private startFrom: DeliverFrom = { deliver_policy: DeliverPolicy.All };
  private lastSeq = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly options: PhoneConsumerOptions,
    private readonly handle: BatchHandler,
    private readonly logger: Logger,
    onDecodeError: () => void = () => {},
  ) {
    const { partition, partitions } = options;
    this.grouper = new PhoneEventGrouper(
      names,
      (ext) => partitions <= 1 || partitionOf(ext, partitions) === partition,
      (m, err) => {
        onDecodeError();
        logger.warn(
          { subject: m.subject, seq: (m as StreamMessage).seq, err },
          'undecodable phone event skipped',
        );
      },
    );
    const direct = { maxMessages: Math.max(options.pullMax, options.batchMax), expiresMs: DIRECT_EXPIRES_MS };
    this.acks = new CommittedAcks(options);
    this.bridge = new StallReader(nc, names.phoneStream, (m) => this.take(m), logger);
    this.replay = new OrderedReader(
      nc,
      names.phoneStream,
      direct,
      (m) => this.take({ subject: m.subject, data: m.data, seq: m.seq, ack: noAck, direct: 'replay' }),
      logger,
    );
  }

  async start(): Promise<void> {
    const durable = durableName(this.options);
    const jsm = await jetstream(this.nc).jetstreamManager();
    // No filter_subject: the phone stream holds only phone events. With a filter (even one equal to
    // the stream's subject) a 2.9 server counts a consumer's pending messages subject by subject:
    // with 100k users' subjects one consumer info took seconds of server CPU (profiled).
    this.lastSeq = 0;
    const replay = this.options.resume ? await this.resume(jsm, durable) : null;
    if (replay?.untilSeq) this.acks.holdUntilReplayed(replay.untilSeq);
    if (!replay) {
      this.startFrom = await this.takeOver(jsm, durable);
      await jsm.consumers.add(this.names.phoneStream, {
        durable_name: durable,
        ack_policy: AckPolicy.All,
        ...this.startFrom,
        ack_wait: this.options.ackWaitMs * NS,
        max_ack_pending: this.options.maxAckPending,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(this.names.phoneStream, durable);
    this.state = 'running';
    this.messages = await consumer.consume({
      // A pull request lost with a NATS node is replaced once two idle heartbeats are missed (1 s):
      // nats.js' default (30 s pulls, heartbeats at half of that) stalled the partition that long
      // after the node leading the stream died (chaos test). The pulls themselves last 10 s: with
      // 1 s pulls a 2.9 server now and then delivered nothing for 1-1.4 s around a pull's renewal
      // (a bare stream and consumer at 100 msg/s: max 1.4 s with 1 s pulls, 49 ms with 10 s pulls
      // and 500 ms heartbeats), which was the 100k fleet's mover tail (p99 0.4-0.6 s in half the runs).
      expires: PULL_EXPIRES_MS,
      idle_heartbeat: IDLE_HEARTBEAT_MS,
      // Messages asked for per pull request. Each pull is a round trip to the server, and under
      // load that round trip (not the router's CPU) capped consumption at ~4 pulls/s: 2000
      // messages per pull drained a backlog at ~2-4k/s, 8000 at ~13k/s.
      max_messages: Math.min(
        this.options.maxAckPending,
        Math.max(this.options.pullMax, this.options.batchMax),
      ),
      callback: (m) => {
        this.lastSeq = m.seq;
        this.bridge.delivered();
        this.take(m);
      },
    });
    this.bridge.watch(
      () => this.stalledAt(),
      () => this.buffer.length > 0,
    );
    void this.watchStatus(this.messages);
    if (replay?.untilSeq) await this.replay.open(replay.from, replay.untilSeq);
  }

  private take(m: StreamMessage): void {
    this.buffer.push(m);
    if (!this.draining) this.draining = this.drain();
  }

  /** Where reading the stream directly starts: after the durable's last delivery (or where it started). */
  private stalledAt(): number | null {
    if (this.lastSeq > 0) return this.lastSeq + 1;
    if (this.startFrom.deliver_policy === DeliverPolicy.All) return 1;
    return this.startFrom.opt_start_seq ?? null;
  }

  /** What the client tells of the consumer beyond routine pulls, their expiry and heartbeats, logged. */
  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (FROM_SERVER.has(s.type)) this.bridge.heard();
      if (ROUTINE_STATUS.has(s.type)) continue;
      this.logger.warn({ event: 'phone_consumer_status', status: s }, `phone consumer: ${s.type}`);
    }
  }

  /**
   * The durable is created afresh by every owner that starts it, from its ack floor: what the
   * previous owner received but did not acknowledge comes again at once and before anything newer.
   * Kept, it would come back only after ack_wait, and meanwhile the new owner's first cumulative ack
   * (AckAll) would acknowledge it unseen: the chaos test lost moves at router takeovers that way.
   * It also goes back `replayMs` before now even if that was acknowledged: after a Redis failover the
   * last states written may be gone, and the replay writes them again. Replays of what the stored
   * state already holds are no-ops (the engine's per-device counters).
   */
  private async takeOver(jsm: JetStreamManager, durable: string): Promise<DeliverFrom> {
    let info: ConsumerInfo;
    try {
      info = await jsm.consumers.info(this.names.phoneStream, durable);
    } catch (err) {
      // a new partition consumer reads the whole stream; any other failure fails the start (retried)
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)
        return { deliver_policy: DeliverPolicy.All };
      throw err;
    }
    await jsm.consumers.delete(this.names.phoneStream, durable);
    return this.replayFrom(jsm, owedBy(info));
  }

  /**
   * The same partition again under the same lease (a restart after a Redis failover): deleting and
   * creating the durable again, as takeOver does, went through the NATS meta leader and took over
   * 5 s under load in the chaos test. The durable is kept instead, and what takeOver would deliver
   * again, from the ack floor (or `replayMs` back) up to the stream's last message now, is read
   * directly (ordered-reader.ts) beside it, and the durable's cumulative acks wait for it
   * (committed-acks.ts) so they acknowledge nothing unseen. Null when there is no durable to keep.
   */
  private async resume(
    jsm: JetStreamManager,
    durable: string,
  ): Promise<{ from: DeliverFrom; untilSeq: number } | null> {
    const info = await jsm.consumers.info(this.names.phoneStream, durable).catch(() => null);
    if (!info) return null;
    this.startFrom = await this.replayFrom(jsm, owedBy(info));
    // 0 (nothing to read again) when the stream holds nothing after the ack floor
    const last = (await jsm.streams.info(this.names.phoneStream)).state.last_seq;
    const { deliver_policy, opt_start_seq = 1 } = this.startFrom;
    const untilSeq = deliver_policy === DeliverPolicy.StartTime || last >= opt_start_seq ? last : 0;
    return { from: this.startFrom, untilSeq };
  }

  /** From what the durable owes, or `replayMs` before now if that is earlier. */
  private async replayFrom(jsm: JetStreamManager, owed: DeliverFrom): Promise<DeliverFrom> {
    const replay = this.options.replayMs ?? 0;
    if (replay <= 0) return owed;
    const since = Date.now() - replay;
    const window = { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(since).toISOString() };
    if (owed.deliver_policy === DeliverPolicy.StartTime)
      return Date.parse(owed.opt_start_time ?? '') < since ? owed : window;
    const firstUnacked = await jsm.streams
      .getMessage(this.names.phoneStream, { seq: owed.opt_start_seq ?? 1 })
      .catch(() => null); // none yet (or no longer kept): the replay window decides
    return firstUnacked && firstUnacked.time.getTime() < since ? owed : window;
  }

  private async drain(): Promise<void> {
    const depth = Math.max(1, this.options.pipelineDepth ?? 1);
    const inFlight: { msgs: StreamMessage[]; outcome: Promise<'ok' | 'fenced'> }[] = [];
    let dispatched = 0; // buffer[0 .. dispatched) belongs to the batches in flight
    const retry = new Backoff(BATCH_RETRY);
    while (inFlight.length > 0 || (this.buffer.length > dispatched && this.state === 'running')) {
      while (inFlight.length < depth && this.buffer.length > dispatched && this.state === 'running') {
        const msgs = this.buffer.slice(dispatched, dispatched + this.options.batchMax);
        dispatched += msgs.length;
        let outcome: Promise<'ok' | 'fenced'>;
        try {
          outcome = this.handle(this.grouper.group(msgs));
        } catch (err) {
          outcome = Promise.reject(err);
        }
        outcome.catch(() => {}); // observed below, in order
        inFlight.push({ msgs, outcome });
      }
      const head = inFlight[0]!;
      try {
        const outcome = await head.outcome;
        inFlight.shift();
        if (outcome === 'fenced') {
          this.logger.warn({ partition: this.options.partition }, 'partition taken over by another router');
          await Promise.allSettled(inFlight.map((b) => b.outcome));
          inFlight.length = 0;
          this.buffer = [];
          dispatched = 0;
          void this.stop();
          break;
        }
        this.acks.committed(head.msgs);
        this.buffer.splice(0, head.msgs.length);
        dispatched -= head.msgs.length;
        retry.reset();
      } catch (err) {
        // later batches may depend on this one: let them finish, then redo all from the oldest
        await Promise.allSettled(inFlight.map((b) => b.outcome));
        inFlight.length = 0;
        dispatched = 0;
        const delay = retry.next();
        this.logger.warn(
          { err, failures: retry.failures, delay },
          'batch not committed, retrying (not acked)',
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    this.draining = null;
  }

  /** Stops pulling; the batch being committed finishes (and is acked) first. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    this.bridge.unwatch();
    this.replay.end();
    await this.draining;
    this.acks.stop();
    await this.messages?.close().catch(() => {});
    this.state = 'stopped';
  }
}

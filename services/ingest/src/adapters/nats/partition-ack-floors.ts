// Which phone-stream sequences router has acknowledged, per partition (docs/performance.md, "A router
// that falls behind no longer feeds its backlog"). Router acknowledges a message only after it
// committed what the message changed, so a report whose sequence is above its partition durable's
// acknowledged floor is still to be applied: delivered again after a crash, replayed by the next
// owner after a takeover. ingest asks this before answering an identical report from the pending
// one (redis-quiet-reports.ts).
//
// The durables are found by name on the phone stream (`<prefix>_p<k>_of_<N>`), so ingest needs no
// copy of router's ROUTER_PARTITIONS or ROUTER_DURABLE. Durables left from another partition count
// or prefix never advance; a report is waiting only if EVERY such set has a durable for its
// partition and none of them acknowledged it, so the set router runs decides and a stale set can
// only make waiting less likely. Read every POLL_MS; older than STALE_MS (NATS away, no permission),
// nothing is waiting and every report is published as before.
import { type ConsumerInfo, type JetStreamManager, jetstream } from '@nats-io/jetstream';
import { type Logger, type NatsConnection, parsePartitionDurable, partitionOf } from '@sa/platform';

const POLL_MS = 250;
const STALE_MS = 2000;
const API_TIMEOUT_MS = 1000;

/** one set of partition durables: the floors of partitions 0..N-1 (undefined: no durable) */
type DurableSet = { readonly partitions: number; readonly floors: (number | undefined)[] };

/** Pure: whether a report stored at `seq` is above the acknowledged floor of its partition in every set. */
export function waitingInEvery(sets: readonly DurableSet[], extension: string, seq: number): boolean {
  if (sets.length === 0) return false;
  for (const set of sets) {
    const floor = set.floors[partitionOf(extension, set.partitions)];
    if (floor === undefined || seq <= floor) return false;
  }
  return true;
}

/** Pure: the partition durables among a stream's consumers, grouped by prefix and partition count. */
export function durableSets(
  consumers: readonly { readonly name: string; readonly ack_floor: { readonly stream_seq: number } }[],
): DurableSet[] {
  const sets = new Map<string, DurableSet>();
  for (const c of consumers) {
    const d = parsePartitionDurable(c.name);
    if (!d) continue;
    const key = `${d.prefix}\u0000${d.partitions}`;
    let set = sets.get(key);
    if (!set) {
      set = { partitions: d.partitions, floors: new Array(d.partitions) };
      sets.set(key, set);
    }
    set.floors[d.partition] = c.ack_floor.stream_seq;
  }
  return [...sets.values()];
}

export class PartitionAckFloors {
  private sets: DurableSet[] = [];
  private readAtMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private warned = false;
  private jsm: JetStreamManager | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly logger: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether router has still to apply the report stored at `seq` for this user (false when unsure). */
  waiting(extension: string, seq: number): boolean {
    if (this.nowMs() - this.readAtMs > STALE_MS) return false;
    return waitingInEvery(this.sets, extension, seq);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const startedAt = this.nowMs(); // floors read now are at least this recent
    try {
      this.jsm ??= await jetstream(this.nc, { timeout: API_TIMEOUT_MS }).jetstreamManager(false);
      const jsm = this.jsm;
      const consumers: ConsumerInfo[] = [];
      for await (const c of jsm.consumers.list(this.stream)) consumers.push(c);
      this.sets = durableSets(consumers);
      this.readAtMs = startedAt;
      this.warned = false;
    } catch (err) {
      if (!this.warned)
        this.logger.warn({ err }, 'router acknowledged floors unreadable: every report is published');
      this.warned = true;
    } finally {
      this.polling = false;
    }
  }
}

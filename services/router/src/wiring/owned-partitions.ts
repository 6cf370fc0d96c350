// The partitions this router owns now, each with its runner and phone-stream consumer: started and
// stopped by the PartitionManager as leases come and go, and asked by the rest of the router whether
// a user is handled here and to re-evaluate users (a config change, the liveness sweep).
import { type Logger, partitionOf } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { PhonePartitionConsumer } from '../adapters/nats/phone-consumer.js';
import type { RouterConfig } from '../config.js';
import type { RouterEvent } from '../domain/types.js';
import type { AmiResync } from '../routing/ami-resync.js';
import type { AstDbSync } from '../routing/astdb-sync.js';
import type { DecisionProcessor } from '../routing/decision-processor.js';
import { PartitionRunner } from '../routing/partition-runner.js';
import type { RulesSource, UserStateStore } from '../routing/ports.js';
import type { OwnedStateCache } from '../routing/state-cache.js';
import type { RouterMetrics } from './router-metrics.js';

type NatsConnection = ConstructorParameters<typeof PhonePartitionConsumer>[0];

export interface OwnedPartitionsDeps {
  readonly config: RouterConfig;
  readonly names: BusNames;
  /** the connection the phone stream is consumed on */
  readonly nc: NatsConnection;
  readonly processor: DecisionProcessor;
  readonly store: UserStateStore;
  readonly rules: RulesSource;
  readonly sync: AstDbSync;
  readonly cache: OwnedStateCache;
  readonly amiResync: AmiResync;
  readonly metrics: Pick<RouterMetrics, 'batches' | 'undecodableEvents'>;
  readonly clock: () => number;
  readonly logger: Logger;
}

export class OwnedPartitions {
  readonly #runners = new Map<number, PartitionRunner>();
  /** the epoch each partition last ran under here: the same again is a restart, not a takeover */
  readonly #ranUnder = new Map<number, number>();

  constructor(private readonly d: OwnedPartitionsDeps) {}

  owns(extension: string): boolean {
    return this.#runners.has(this.#partitionOf(extension));
  }

  /** The users among `extensions` this router handles now, with their partition. */
  *owned(extensions: Iterable<string>): Generator<{ extension: string; partition: number }> {
    for (const extension of extensions) {
      const partition = this.#partitionOf(extension);
      if (this.#runners.has(partition)) yield { extension, partition };
    }
  }

  /** Re-evaluates users, each by its partition's runner (users of partitions not owned: skipped). */
  async reevaluate(extensions: readonly string[], events: readonly RouterEvent[] = []): Promise<void> {
    for (const [runner, list] of this.#byRunner(extensions)) await runner.reevaluate(list, events);
  }

  /** Applies phone events by their users' partitions (users of partitions not owned: skipped). */
  async applyEvents(batch: ReadonlyMap<string, RouterEvent[]>): Promise<void> {
    await Promise.all(
      [...this.#byRunner(batch.keys())].map(([runner, list]) =>
        runner.applyEvents(new Map(list.map((ext) => [ext, batch.get(ext)!]))),
      ),
    );
  }

  /** The users among `extensions` whose partition runs here, by its runner. */
  #byRunner(extensions: Iterable<string>): Map<PartitionRunner, string[]> {
    const byRunner = new Map<PartitionRunner, string[]>();
    for (const ext of extensions) {
      const runner = this.#runners.get(this.#partitionOf(ext));
      if (!runner) continue;
      const list = byRunner.get(runner);
      if (list) list.push(ext);
      else byRunner.set(runner, [ext]);
    }
    return byRunner;
  }

  /** For PartitionManager: a lease was won, run the partition until told to stop. */
  readonly start = async (partition: number, epoch: number): Promise<{ stop(): Promise<void> }> => {
    const { cache, amiResync } = this.d;
    const resume = this.#ranUnder.get(partition) === epoch;
    this.#ranUnder.set(partition, epoch);
    // a restart under the same lease follows a Redis failover, which may have lost the last commits
    if (resume) this.d.sync.forgetVersions(partition);
    const states = cache.open(partition);
    const logger = this.d.logger;
    const runner: PartitionRunner = new PartitionRunner(partition, epoch, {
      partitions: this.d.config.ROUTER_PARTITIONS,
      processor: this.d.processor,
      store: this.d.store,
      rules: this.d.rules,
      sync: this.d.sync,
      sweepMs: this.d.config.ROUTER_SWEEP_MS,
      clock: this.d.clock,
      logger: logger.child({ component: 'partition', partition }),
      onFenced: () => {
        cache.close(partition, states);
        logger.warn({ partition }, 'fenced by a newer owner');
      },
      onReady: () => amiResync.partitionReady(runner),
      events: (handle) => this.#consumer(partition, handle, resume),
    });
    await runner.start();
    this.#runners.set(partition, runner);
    return {
      stop: async () => {
        this.#runners.delete(partition);
        amiResync.partitionGone(runner);
        cache.close(partition, states);
        await runner.stop();
      },
    };
  };

  #consumer(
    partition: number,
    handle: (b: Map<string, RouterEvent[]>) => Promise<'ok' | 'fenced'>,
    resume: boolean,
  ) {
    const c = this.d.config;
    const { batches, undecodableEvents } = this.d.metrics;
    return new PhonePartitionConsumer(
      this.d.nc,
      this.d.names,
      {
        partition,
        partitions: c.ROUTER_PARTITIONS,
        ackWaitMs: c.ROUTER_ACK_WAIT_MS,
        batchMax: c.ROUTER_BATCH_MAX,
        pullMax: c.ROUTER_PULL_MAX,
        maxAckPending: c.ROUTER_MAX_ACK_PENDING,
        pipelineDepth: c.ROUTER_PIPELINE_DEPTH,
        durablePrefix: c.ROUTER_DURABLE,
        replayMs: c.ROUTER_START_REPLAY_MS,
        resume,
      },
      async (b) => {
        const r = await handle(b);
        batches.inc();
        return r;
      },
      this.d.logger.child({ component: 'consumer', partition }),
      () => undecodableEvents.inc(),
    );
  }

  #partitionOf(extension: string): number {
    return partitionOf(extension, this.d.config.ROUTER_PARTITIONS);
  }
}

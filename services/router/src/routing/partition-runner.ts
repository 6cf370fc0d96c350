// Everything one owned partition does: consume its users' phone events, sweep its due users
// (expired presence, choices, hysteresis timers, time-window edges), re-evaluate users whose
// configuration changed, finish AstDB writes a previous owner left unconfirmed, and resync.
// Once that start-up work is done it reports itself ready (AmiResync then resyncs it when AMI is up).
import { type Logger, partitionOf } from '@sa/platform';
import type { RouterEvent } from '../domain/types.js';
import type { AstDbSync } from './astdb-sync.js';
import type { DecisionProcessor } from './decision-processor.js';
import type { RulesSource, UserStateStore } from './ports.js';

export interface EventSource {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CHUNK = 500;

export class PartitionRunner {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;

  constructor(
    readonly partition: number,
    readonly epoch: number,
    private readonly deps: {
      partitions: number;
      processor: DecisionProcessor;
      store: UserStateStore;
      rules: RulesSource;
      sync: AstDbSync;
      events: (handle: (b: Map<string, RouterEvent[]>) => Promise<'ok' | 'fenced'>) => EventSource;
      sweepMs: number;
      clock: () => number;
      logger: Logger;
      onFenced: () => void;
      /** start-up re-evaluation and unconfirmed writes are done (or failed); not after stop */
      onReady?: () => void;
    },
  ) {}

  private source: EventSource | null = null;

  async start(): Promise<void> {
    this.source = this.deps.events((batch) => this.apply(batch));
    await this.source.start();
    this.sweepTimer = setInterval(() => {
      if (!this.sweeping) this.sweeping = this.sweep().finally(() => (this.sweeping = null));
    }, this.deps.sweepMs);
    void this.background(async () => {
      await this.reevaluate(this.users());
      await this.pushUnconfirmed();
    }).then(() => {
      if (!this.stopped) this.deps.onReady?.();
    });
  }

  owns(extension: string): boolean {
    return partitionOf(extension, this.deps.partitions) === this.partition;
  }

  /**
   * Re-evaluates users without new phone events (deadline reached, take-over); `events` such as
   * rules_changed (a config change) are applied to each first.
   */
  async reevaluate(extensions: readonly string[], events: readonly RouterEvent[] = []): Promise<void> {
    for (let i = 0; i < extensions.length && !this.stopped; i += CHUNK) {
      const batch = new Map(extensions.slice(i, i + CHUNK).map((e) => [e, [...events]]));
      await this.apply(batch);
    }
  }

  /** A new AMI login: write every owned user's current target again (AmiResync decides when). */
  async resync(): Promise<number> {
    let n = 0;
    const users = this.users();
    for (let i = 0; i < users.length && !this.stopped; i += CHUNK) {
      const stored = await this.deps.store.load(users.slice(i, i + CHUNK));
      for (const [ext, s] of stored) {
        if (s.state.decision) {
          this.deps.sync.resync(ext, this.partition, s.state.decision);
          n++;
        }
      }
    }
    return n;
  }

  private users(): string[] {
    return [...this.deps.rules.extensions()].filter((e) => this.owns(e));
  }

  /** Phone events from outside the stream (ingest's unstored copies), applied as the stream's are. */
  async applyEvents(batch: Map<string, RouterEvent[]>): Promise<void> {
    if (!this.stopped) await this.apply(batch);
  }

  private async apply(batch: Map<string, RouterEvent[]>): Promise<'ok' | 'fenced'> {
    if (batch.size === 0) return 'ok';
    const r = await this.deps.processor.process(this.partition, this.epoch, batch);
    if (r.fenced) {
      this.deps.onFenced();
      return 'fenced';
    }
    return 'ok';
  }

  private async sweep(): Promise<void> {
    try {
      for (;;) {
        const due = await this.deps.store.dueUsers(this.partition, this.deps.clock(), CHUNK);
        if (due.length === 0 || this.stopped) return;
        await this.reevaluate(due);
        if (due.length < CHUNK) return;
      }
    } catch (err) {
      this.deps.logger.warn({ partition: this.partition, err }, 'sweep failed, will retry');
    }
  }

  private async pushUnconfirmed(): Promise<void> {
    const exts = await this.deps.store.unpushedUsers(this.partition, 100_000);
    for (let i = 0; i < exts.length; i += CHUNK) {
      const stored = await this.deps.store.load(exts.slice(i, i + CHUNK));
      for (const [ext, s] of stored)
        if (s.state.decision) this.deps.sync.ensure(ext, this.partition, s.state.decision);
    }
  }

  private async background(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.logger.warn({ partition: this.partition, err }, 'partition start-up work failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.source?.stop();
    await this.sweeping;
  }
}

// Decides which partitions this instance owns. Every `leaseMs / 3` it heartbeats, counts live
// instances, renews its leases (a lease it could not renew in time is given up at once: the
// runner stops before anyone else may take over), takes free partitions up to its fair share
// (ceil(partitions / live instances)) and releases any above it, so work spreads out when
// instances join and is taken over when one dies (after its lease expires).
// For two lease times after the number of live instances changed, an instance below its fair share
// checks every EAGER_MS: a partition another router gives up for it is taken within that, not up to
// a third of a lease later, while its users' events wait (the chaos test: a router started again).
import type { Logger } from '@sa/platform';

export interface PartitionRunner {
  stop(): Promise<void>;
}

export interface LeaseStore {
  acquire(partition: number, ttlMs: number): Promise<number | null>;
  renew(partition: number, ttlMs: number): Promise<boolean>;
  release(partition: number): Promise<void>;
  heartbeat(nowMs: number, aliveMs: number): Promise<number>;
  leave(): Promise<void>;
}

const EAGER_MS = 100;

interface Owned {
  readonly epoch: number;
  readonly runner: PartitionRunner;
  renewedAtMs: number;
}

export class PartitionManager {
  private readonly owned = new Map<number, Owned>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private lastLive = 0;
  private eagerUntilMs = 0;
  private eagerTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      leases: LeaseStore;
      partitions: number;
      leaseMs: number;
      start: (partition: number, epoch: number) => Promise<PartitionRunner>;
      logger: Logger;
    },
  ) {}

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(
      () => {
        if (!this.ticking) void this.serialised(() => this.tick());
      },
      Math.max(50, Math.floor(this.deps.leaseMs / 3)),
    );
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { leases, partitions, leaseMs, logger } = this.deps;
    try {
      const now = Date.now();
      const live = await leases.heartbeat(now, leaseMs);
      if (live !== this.lastLive) {
        this.lastLive = live;
        this.eagerUntilMs = now + 2 * leaseMs;
      }
      for (const [p, o] of this.owned) {
        const ok = await leases.renew(p, leaseMs).catch(() => false);
        if (ok) o.renewedAtMs = now;
        else if (now - o.renewedAtMs > leaseMs * 0.8 || !ok) await this.drop(p, 'lease lost');
      }
      const fair = Math.ceil(partitions / Math.max(1, live));
      for (let p = 0; p < partitions && this.owned.size < fair && !this.stopped; p++) {
        if (this.owned.has(p)) continue;
        const epoch = await leases.acquire(p, leaseMs);
        if (epoch === null) continue;
        const runner = await this.deps.start(p, epoch);
        this.owned.set(p, { epoch, runner, renewedAtMs: now });
        logger.info({ partition: p, epoch, live }, `owning partition ${p}`);
      }
      while (this.owned.size > fair) {
        const p = Math.max(...this.owned.keys());
        await this.drop(p, 'rebalancing');
        await leases.release(p);
      }
      if (this.owned.size < fair && now < this.eagerUntilMs) this.checkSoon();
    } catch (err) {
      logger.warn({ err }, 'partition ownership check failed');
    }
  }

  private checkSoon(): void {
    if (this.eagerTimer || this.stopped) return;
    this.eagerTimer = setTimeout(() => {
      this.eagerTimer = null;
      if (!this.ticking) void this.serialised(() => this.tick());
    }, EAGER_MS);
  }

  /**
   * Runs every owned partition afresh, keeping its lease: its users' states are read again and the
   * recent phone events replayed (the consumer's start). For when the state store may have lost its
   * last writes (a Redis failover): the replay writes them again. Serialised with the ownership check.
   */
  restartAll(why: string): Promise<void> {
    return this.serialised(async () => {
      for (const [p, o] of [...this.owned]) {
        if (this.stopped || this.owned.get(p) !== o) continue;
        this.deps.logger.warn({ partition: p, why }, `restarting partition ${p}`);
        await o.runner.stop();
        try {
          this.owned.set(p, { ...o, runner: await this.deps.start(p, o.epoch) });
        } catch (err) {
          // not running it any more: the next ownership check takes it again (or another router)
          this.owned.delete(p);
          await this.deps.leases.release(p).catch(() => {});
          this.deps.logger.warn({ err, partition: p }, `partition ${p} did not restart`);
        }
      }
    });
  }

  /**
   * Runs `work` after whatever changes ownership now (a check, a restart), and keeps it as what stop()
   * waits for until it ends; only the newest such work clears that, so a check ending first cannot
   * hide a restart queued behind it.
   */
  private serialised(work: () => Promise<void>): Promise<void> {
    const run = (this.ticking ?? Promise.resolve()).then(work);
    const tracked: Promise<void> = run.finally(() => {
      if (this.ticking === tracked) this.ticking = null;
    });
    this.ticking = tracked;
    return run;
  }

  private async drop(p: number, why: string): Promise<void> {
    const o = this.owned.get(p);
    if (!o) return;
    this.owned.delete(p);
    this.deps.logger.warn({ partition: p, why }, `giving up partition ${p}`);
    await o.runner.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.eagerTimer) clearTimeout(this.eagerTimer);
    await this.ticking;
    for (const p of [...this.owned.keys()]) {
      await this.drop(p, 'stopping');
      await this.deps.leases.release(p).catch(() => {});
    }
    await this.deps.leases.leave().catch(() => {});
  }
}

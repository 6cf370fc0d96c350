// The presence timeout of quiet devices (change-driven presence): their reports reach router only
// as liveness, so instead of one wake-up per device router asks, every sweep, which liveness
// entries are older than the timeout and re-evaluates exactly those users (the merge then finds
// them stale, the default applies) before dropping the entries.
import type { Logger } from '@sa/platform';
import type { QuietPresence } from './ports.js';

const CHUNK = 500;

export class LivenessSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      quiet: Pick<QuietPresence, 'expired' | 'forget'>;
      clock: () => number;
      presenceTimeoutMs: number;
      intervalMs: number;
      /** whether this instance owns the user's partition now */
      owns: (extension: string) => boolean;
      reevaluate: (extensions: readonly string[]) => Promise<void>;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => {
        this.running = null;
      });
    }, this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One pass: every timed-out quiet device this instance owns (tests call it directly). Entries of
   * partitions other routers own stay until their owner sweeps them; they are paged past, so a
   * slow or departed owner's backlog cannot hide this instance's timeouts behind it.
   */
  async sweep(): Promise<number> {
    let handled = 0;
    try {
      const cutoff = this.deps.clock() - this.deps.presenceTimeoutMs;
      let others = 0;
      for (;;) {
        const expired = await this.deps.quiet.expired(cutoff, others, CHUNK);
        const mine = expired.filter((e) => this.deps.owns(e.extension));
        others += expired.length - mine.length;
        if (mine.length > 0) {
          await this.deps.reevaluate([...new Set(mine.map((e) => e.extension))]);
          await this.deps.quiet.forget(
            mine.map((e) => e.member),
            cutoff,
          );
          handled += mine.length;
        }
        if (expired.length < CHUNK) return handled;
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'liveness sweep failed, will retry');
      return handled;
    }
  }
}

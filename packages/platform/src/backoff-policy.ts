// The one retry-delay policy of the tree: capped exponential backoff with jitter (STYLE §9).
// The delay before retry `attempt` (0 = the first retry, after one failure) has the ceiling
// min(maxDelayMs, initialDelayMs * 2^attempt). `jitter` is the share of that ceiling that is random:
// 1, "full jitter" and the default, draws the delay from [0, ceiling); 0.5, "equal jitter", from
// [ceiling / 2, ceiling); 0 waits the ceiling itself. Full by default because clients that lose a
// server at the same moment should not all come back in step.
// This module imports nothing, and is exported on its own as @sa/platform/backoff: the AMI client
// and sa-phone use it without loading the rest of platform (pino, pg, ioredis, NATS, fastify).

export interface BackoffPolicy {
  /** the ceiling of the first retry's delay */
  readonly initialDelayMs: number;
  /** no delay is longer than this */
  readonly maxDelayMs: number;
  /** share of the ceiling that is random, 0..1 (default 1, full jitter) */
  readonly jitter?: number;
}

/** The longest delay before retry `attempt`: the ceiling doubles per attempt up to the cap. */
export function backoffCeilingMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(0, attempt), 30));
}

/**
 * The delay before retry `attempt`; `random` returns [0, 1). Whole milliseconds, never below 1, so
 * a retry never spins.
 */
export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeilingMs(policy, attempt);
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 1));
  return Math.max(1, Math.floor(ceiling * (1 - jitter) + random() * ceiling * jitter));
}

/** Counts failures for one retry loop: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  #failures = 0;

  constructor(
    readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** failures since the last success */
  get failures(): number {
    return this.#failures;
  }

  /** Counts one more failure and returns the delay before the retry it calls for. */
  next(): number {
    return backoffDelayMs(this.policy, this.#failures++, this.random);
  }

  reset(): void {
    this.#failures = 0;
  }
}

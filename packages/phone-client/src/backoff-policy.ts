// Capped exponential backoff with "full jitter": the delay is uniform in [0, min(cap, base * 2^n)).
// Full rather than half jitter because many laptops lose the server at the same moment (the office
// link drops) and should not all come back in step. Pure: the caller supplies `random`.
export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** 5 s doubling to 5 min. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 300_000 };

/** The ceiling of the delay before retry `attempt` (0 = first retry after one failure). */
export function backoffCeilingMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
}

/** Delay before retry `attempt`; `random` returns [0, 1). Never below 1 ms, so a retry never spins. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number): number {
  return Math.max(1, Math.floor(random() * backoffCeilingMs(policy, attempt)));
}

// Capped exponential backoff with jitter ("equal jitter": half fixed, half random), pure.
export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
};

/** Delay before reconnect attempt `attempt` (0-based); `random` returns [0, 1). */
export function reconnectDelayMs(policy: ReconnectPolicy, attempt: number, random: () => number): number {
  const exp = policy.initialDelayMs * policy.factor ** Math.min(attempt, 30);
  const base = Math.min(policy.maxDelayMs, exp);
  return Math.round(base / 2 + random() * (base / 2));
}

// The loop of `sa-phone watch`: reads Wi-Fi every poll, reports presence when the connected network
// (SSID or BSSID) changes and every interval otherwise, and backs off while the server is
// unreachable. Only the latest reading is ever sent: nothing queues, so a change made while backing
// off goes out at the next attempt and the stale one never does. Clock, Wi-Fi and sender are
// injected, so tests run it in virtual time.
import { type BackoffPolicy, backoffDelayMs } from '@sa/platform/backoff';
import { describeScan, networkKey, type WifiScan } from './wifi-network.js';

/** How one report ended. `refused` (DENIED/INVALID) reached the server: retrying would not help. */
export type ReportOutcome =
  | { readonly kind: 'ok'; readonly host: string }
  | { readonly kind: 'refused'; readonly host: string; readonly status: string }
  | { readonly kind: 'unavailable'; readonly host: string }
  | { readonly kind: 'no-reply' }
  | { readonly kind: 'error'; readonly message: string };

export interface PresenceSender {
  send(scan: WifiScan): Promise<ReportOutcome>;
}

export interface WatchClock {
  now(): number;
  /** resolves after `ms`, or early (without throwing) when `signal` aborts */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface WatchSettings {
  readonly pollMs: number;
  readonly intervalMs: number;
  readonly backoff: BackoffPolicy;
}

export interface WatchDeps {
  readonly readWifi: () => Promise<WifiScan>;
  readonly sender: PresenceSender;
  readonly clock: WatchClock;
  /** one line per event, no secrets (the CLI prefixes the time and writes stderr) */
  readonly log: (line: string) => void;
  /** [0, 1), for the backoff jitter */
  readonly random: () => number;
}

export type ReportReason = 'change' | 'interval';

interface WatchState {
  /** the network last reported (undefined: nothing reported yet) */
  reportedKey?: string;
  reportedAt: number;
  /** consecutive failed attempts */
  failures: number;
  /** no attempt before this time (backoff) */
  retryAt: number;
  lastReadError?: string;
}

/**
 * Why `scan` is due now, if it is: a new network, or the interval since the last report while on
 * Wi-Fi. Off Wi-Fi is reported once, on the change.
 */
export function reportReason(
  scan: WifiScan,
  reported: { key?: string; at: number },
  now: number,
  intervalMs: number,
): ReportReason | undefined {
  if (networkKey(scan) !== reported.key) return 'change';
  if (scan.connected && now - reported.at >= intervalMs) return 'interval';
  return undefined;
}

/** Runs until `signal` aborts; rejects only when the Wi-Fi tool is missing. */
export async function watchPresence(deps: WatchDeps, settings: WatchSettings, signal: AbortSignal) {
  const state: WatchState = { reportedAt: 0, failures: 0, retryAt: 0 };
  while (!signal.aborted) {
    const scan = await readWifi(deps, state);
    const now = deps.clock.now();
    const reason =
      scan && reportReason(scan, { key: state.reportedKey, at: state.reportedAt }, now, settings.intervalMs);
    let waitMs = settings.pollMs;
    if (scan && reason) {
      if (now >= state.retryAt) await attempt(deps, settings, state, scan, reason);
      // backing off: wake for the retry, not a poll later
      if (state.failures > 0) waitMs = Math.max(1, Math.min(waitMs, state.retryAt - deps.clock.now()));
    }
    if (!signal.aborted) await deps.clock.sleep(waitMs, signal);
  }
}

async function readWifi(deps: WatchDeps, state: WatchState): Promise<WifiScan | undefined> {
  try {
    const scan = await deps.readWifi();
    if (state.lastReadError) deps.log('wifi: readable again');
    state.lastReadError = undefined;
    return scan;
  } catch (err) {
    // a missing tool will not appear by itself: stop (systemd shows why) instead of polling forever
    if ((err as { code?: unknown }).code === 'ENOENT') throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (message !== state.lastReadError) deps.log(`wifi: cannot read: ${message}`);
    state.lastReadError = message;
    return undefined;
  }
}

async function attempt(
  deps: WatchDeps,
  settings: WatchSettings,
  state: WatchState,
  scan: WifiScan,
  reason: ReportReason,
): Promise<void> {
  const outcome = await deps.sender.send(scan).catch(
    (err: unknown): ReportOutcome => ({
      kind: 'error',
      message: err instanceof Error ? err.message : String(err),
    }),
  );
  const now = deps.clock.now();
  const what = `report (${reason}): ${describeScan(scan)}`;
  if (outcome.kind === 'ok' || outcome.kind === 'refused') {
    state.reportedKey = networkKey(scan);
    state.reportedAt = now;
    state.failures = 0;
    state.retryAt = 0;
    deps.log(
      outcome.kind === 'ok'
        ? `${what} -> OK via ${outcome.host}`
        : `${what} -> ${outcome.status} from ${outcome.host} (not retried)`,
    );
    return;
  }
  const delayMs = backoffDelayMs(settings.backoff, state.failures, deps.random);
  state.failures += 1;
  state.retryAt = now + delayMs;
  deps.log(
    `${what} -> ${failureText(outcome)}; retry in ${(delayMs / 1000).toFixed(1)} s (failure ${state.failures})`,
  );
}

function failureText(outcome: Exclude<ReportOutcome, { kind: 'ok' | 'refused' }>): string {
  switch (outcome.kind) {
    case 'unavailable':
      return `UNAVAILABLE from ${outcome.host}`;
    case 'no-reply':
      return 'no reply';
    case 'error':
      return `failed: ${outcome.message}`;
  }
}

// Change-driven presence: a device's reports may reach router only as liveness (when ingest last
// saw one): a quiet device's always, and while router is behind, any device's repeats of a report
// router has still to apply. So wherever router evaluates a user it first raises those devices'
// seenAtMs to that instant.
import { livenessMember } from '@sa/platform';
import type { DeviceRecord, RouterEvent } from '../domain/types.js';
import type { StoredUser } from './state-codec.js';

/** Events applied this long after ingest received them: router is behind (see needsEveryDevice). */
const BEHIND_MS = 1000;

/** Appends the user's quiet devices, or with `every` all its devices, as liveness lookups to `out`. */
export function livenessLookups(
  extension: string,
  user: StoredUser | null | undefined,
  out: { extension: string; recordId: string }[],
  every = false,
): void {
  for (const d of user?.state.devices ?? []) if (every || d.quiet) out.push({ extension, recordId: d.id });
}

/**
 * Whether an evaluation must read the liveness of every device of the user, not only the quiet ones:
 * unless it applies presence reports router got in time. ingest answers a report that repeats one
 * router has still to apply as liveness only, so when router is behind (a late report), or when an
 * evaluation without reports decides timeouts (a sweep, a wake-up, a config change, a choice), a
 * device's last report in the stream may be older than when it was last seen. In normal running
 * reports are applied within milliseconds and the hot path adds no lookup.
 */
export function needsEveryDevice(events: readonly RouterEvent[] | undefined, nowMs: number): boolean {
  let inTime = false;
  for (const e of events ?? []) {
    if (e.kind !== 'presence') continue;
    if (nowMs - e.atMs > BEHIND_MS) return true;
    inTime = true;
  }
  return !inTime;
}

/**
 * The user's state with each device's seenAtMs raised to when ingest last saw it (`live` by liveness
 * member, holding only the devices asked for): reports ingest answered without the bus still count
 * for freshness.
 */
export function withLiveness(
  extension: string,
  user: StoredUser,
  live: ReadonlyMap<string, number>,
): StoredUser {
  if (live.size === 0) return user;
  let devices: DeviceRecord[] | null = null;
  for (const [i, d] of user.state.devices.entries()) {
    const seen = live.get(livenessMember(extension, d.id));
    if (seen === undefined || seen <= d.seenAtMs) continue;
    devices ??= user.state.devices.slice();
    devices[i] = { ...d, seenAtMs: seen };
  }
  return devices ? { ...user, state: { ...user.state, devices } } : user;
}

// Change-driven presence: a quiet device's reports may reach router only as liveness (when ingest
// last saw one), so wherever router evaluates a user it first raises each quiet device's seenAtMs
// to that instant.
import { livenessMember } from '@sa/platform';
import type { DeviceRecord } from '../domain/types.js';
import type { StoredUser } from './state-codec.js';

/** Appends the user's quiet devices (as liveness lookups) to `out`. */
export function quietDevicesOf(
  extension: string,
  user: StoredUser | null | undefined,
  out: { extension: string; recordId: string }[],
): void {
  for (const d of user?.state.devices ?? []) if (d.quiet) out.push({ extension, recordId: d.id });
}

/**
 * The user's state with each quiet device's seenAtMs raised to when ingest last saw it: reports
 * ingest answered without the bus still count for freshness (`live` by liveness member).
 */
export function withLiveness(
  extension: string,
  user: StoredUser,
  live: ReadonlyMap<string, number>,
): StoredUser {
  if (live.size === 0) return user;
  let devices: DeviceRecord[] | null = null;
  for (const [i, d] of user.state.devices.entries()) {
    const seen = d.quiet ? live.get(livenessMember(extension, d.id)) : undefined;
    if (seen === undefined || seen <= d.seenAtMs) continue;
    devices ??= user.state.devices.slice();
    devices[i] = { ...d, seenAtMs: seen };
  }
  return devices ? { ...user, state: { ...user.state, devices } } : user;
}

// Keeps a device's believed location steady while it flaps between access points: a different
// location is believed only after it was reported `hysteresisReports` times in a row, or kept
// being reported for `hysteresisMs`, or comes with stronger evidence (e.g. connected to a known
// BSSID while the current belief rests on a merely visible network). A device that was silent
// (stale) or new takes its first observation at once.
import type { DeviceRecord, EngineSettings, Observation } from './types.js';

/** The part of a device's record that hysteresis decides. */
export type Belief = Pick<
  DeviceRecord,
  'location' | 'evidence' | 'candidate' | 'candidateCount' | 'candidateSinceMs'
>;

export function observe(
  device: DeviceRecord,
  seen: Observation,
  nowMs: number,
  wasFresh: boolean,
  settings: EngineSettings,
): Belief {
  if (!wasFresh || seen.locationId === device.location || seen.evidence > device.evidence)
    return settle(seen);
  const sameCandidate = device.candidate === seen.locationId;
  const count = sameCandidate ? device.candidateCount + 1 : 1;
  const since = sameCandidate ? device.candidateSinceMs : nowMs;
  if (count >= settings.hysteresisReports || nowMs - since >= settings.hysteresisMs) return settle(seen);
  return {
    location: device.location,
    evidence: device.evidence,
    candidate: seen.locationId,
    candidateCount: count,
    candidateSinceMs: since,
  };
}

function settle(seen: Observation): Belief {
  return {
    location: seen.locationId,
    evidence: seen.evidence,
    candidate: null,
    candidateCount: 0,
    candidateSinceMs: 0,
  };
}

/** Promotes a candidate that has been reported for long enough (called with the clock, e.g. by the sweep). */
export function promoteByTime(device: DeviceRecord, nowMs: number, settings: EngineSettings): DeviceRecord {
  if (device.candidate === null || nowMs - device.candidateSinceMs < settings.hysteresisMs) return device;
  return { ...device, location: device.candidate, candidate: null, candidateCount: 0, candidateSinceMs: 0 };
}

/** When a pending candidate would be promoted by time alone (Infinity when none). */
export function promotionDeadlineMs(device: DeviceRecord, settings: EngineSettings): number {
  return device.candidate === null
    ? Number.POSITIVE_INFINITY
    : device.candidateSinceMs + settings.hysteresisMs;
}

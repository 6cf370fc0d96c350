// Places one Wi-Fi report at a location: the connected network first (BSSID before SSID), then
// visible networks at or above the RSSI threshold, strongest first (again BSSID before SSID).
import { Evidence, type LocationDef, type Net, type Observation } from './types.js';

const noNets: readonly Net[] = [];

export const noLocation: Observation = {
  locationId: '',
  evidence: Evidence.none,
  detail: 'no known network',
};

/** Where a report places the device, and in words why (for a decision's reason). */
export function observeLocation(
  connected: Net | null,
  visible: readonly Net[],
  locations: readonly LocationDef[],
  rssiThresholdDbm: number,
): Observation {
  return place(connected, visible, locations, rssiThresholdDbm, true);
}

/**
 * observeLocation without the words (a found location's detail is ''): what hysteresis needs for
 * every report. Returns one shared object per (location, evidence): placing a report allocates nothing.
 */
export function placeReport(
  connected: Net | null,
  visible: readonly Net[],
  locations: readonly LocationDef[],
  rssiThresholdDbm: number,
): Observation {
  return place(connected, visible, locations, rssiThresholdDbm, false);
}

function place(
  connected: Net | null,
  visible: readonly Net[],
  locations: readonly LocationDef[],
  rssiThresholdDbm: number,
  worded: boolean,
): Observation {
  let loc: LocationDef | undefined;
  let evidence: Evidence = Evidence.none;
  let net: Net | null = connected;
  if (connected) {
    loc = findBy(locations, 'bssid', connected);
    evidence = Evidence.connectedBssid;
    if (!loc) {
      loc = findBy(locations, 'ssid', connected);
      evidence = Evidence.connectedSsid;
    }
  }
  // evidence and net are only read once a location was found
  if (!loc) {
    const strong = strongVisible(visible, rssiThresholdDbm, Number.POSITIVE_INFINITY);
    for (let i = 0; i < strong.length && !loc; i++) {
      loc = findBy(locations, 'bssid', strong[i]!);
      evidence = Evidence.visibleBssid;
      net = strong[i]!;
    }
    for (let i = 0; i < strong.length && !loc; i++) {
      loc = findBy(locations, 'ssid', strong[i]!);
      evidence = Evidence.visibleSsid;
      net = strong[i]!;
    }
  }
  if (loc && net) {
    if (!worded) return placed(loc, evidence);
    return { locationId: loc.id, evidence, detail: `${wording(evidence, net)} = location ${loc.name}` };
  }
  if (connected && worded) {
    return { ...noLocation, detail: `connected to unknown network "${connected.ssid}" (${connected.bssid})` };
  }
  return noLocation;
}

function wording(evidence: Evidence, net: Net): string {
  switch (evidence) {
    case Evidence.connectedBssid:
      return `connected to BSSID ${net.bssid}`;
    case Evidence.connectedSsid:
      return `connected to SSID "${net.ssid}"`;
    case Evidence.visibleBssid:
      return `sees BSSID ${net.bssid} at ${net.rssiDbm} dBm`;
    default:
      return `sees SSID "${net.ssid}" at ${net.rssiDbm} dBm`;
  }
}

// LocationDefs are interned (rules-interner): one entry per distinct location
const placements = new WeakMap<LocationDef, Observation[]>();

function placed(loc: LocationDef, evidence: Evidence): Observation {
  let byEvidence = placements.get(loc);
  if (!byEvidence) {
    byEvidence = [];
    placements.set(loc, byEvidence);
  }
  byEvidence[evidence] ??= { locationId: loc.id, evidence, detail: '' };
  return byEvidence[evidence];
}

/** Visible networks at or above the threshold, strongest first (ties by BSSID), at most `max`. */
export function strongVisible(visible: readonly Net[], thresholdDbm: number, max: number): readonly Net[] {
  // the usual report: one visible network or none, nothing to sort (the input is immutable: reused)
  if (visible.length === 0 || max <= 0) return noNets;
  if (visible.length === 1) return visible[0]!.rssiDbm >= thresholdDbm ? visible : noNets;
  return visible
    .filter((n) => n.rssiDbm >= thresholdDbm)
    .sort((a, b) => b.rssiDbm - a.rssiDbm || (a.bssid < b.bssid ? -1 : a.bssid > b.bssid ? 1 : 0))
    .slice(0, max);
}

function findBy(locations: readonly LocationDef[], by: 'bssid' | 'ssid', net: Net): LocationDef | undefined {
  if (by === 'bssid') {
    const bssid = net.bssid.toLowerCase();
    if (!bssid) return undefined;
    return locations.find((l) => l.bssids.some((b) => b.toLowerCase() === bssid));
  }
  if (!net.ssid) return undefined;
  return locations.find((l) => l.ssids.includes(net.ssid));
}

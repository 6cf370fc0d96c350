// Places one Wi-Fi report at a location: the connected network first (BSSID before SSID), then
// visible networks at or above the RSSI threshold, strongest first (again BSSID before SSID).
import { Evidence, type LocationDef, type Net, type Observation } from './types.js';

const noNets: readonly Net[] = [];

export const noLocation: Observation = {
  locationId: '',
  evidence: Evidence.none,
  detail: 'no known network',
};

export function observeLocation(
  connected: Net | null,
  visible: readonly Net[],
  locations: readonly LocationDef[],
  rssiThresholdDbm: number,
): Observation {
  if (connected) {
    const byBssid = findBy(locations, 'bssid', connected);
    if (byBssid) return obs(byBssid, Evidence.connectedBssid, `connected to BSSID ${connected.bssid}`);
    const bySsid = findBy(locations, 'ssid', connected);
    if (bySsid) return obs(bySsid, Evidence.connectedSsid, `connected to SSID "${connected.ssid}"`);
  }
  const strong = strongVisible(visible, rssiThresholdDbm, Number.POSITIVE_INFINITY);
  for (const net of strong) {
    const loc = findBy(locations, 'bssid', net);
    if (loc) return obs(loc, Evidence.visibleBssid, `sees BSSID ${net.bssid} at ${net.rssiDbm} dBm`);
  }
  for (const net of strong) {
    const loc = findBy(locations, 'ssid', net);
    if (loc) return obs(loc, Evidence.visibleSsid, `sees SSID "${net.ssid}" at ${net.rssiDbm} dBm`);
  }
  if (connected) {
    return { ...noLocation, detail: `connected to unknown network "${connected.ssid}" (${connected.bssid})` };
  }
  return noLocation;
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

function obs(loc: LocationDef, evidence: Evidence, how: string): Observation {
  return { locationId: loc.id, evidence, detail: `${how} = location ${loc.name}` };
}

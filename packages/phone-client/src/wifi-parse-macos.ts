// macOS: `airport -I` where it still exists (removed in macOS 14.4), else `wdutil info` (run as root:
// it withholds the SSID and BSSID from other users). Both print `  Key : value` lines and only the
// connected network: on macOS the report carries no visible networks. `system_profiler
// SPAirPortDataType` is not used: it takes seconds, never shows a BSSID, and redacts names.
import { keyValueLines, normaliseBssid, type WifiScan } from './wifi-network.js';

export const AIRPORT_PATH =
  '/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport';

/** What macOS prints instead of a value the caller may not see. */
const REDACTED = '<redacted>';

/**
 * `airport -I`: SSID, BSSID (leading zeros dropped: `2c:30:33:a4:2:18`) and agrCtlRSSI in dBm.
 * Not connected when the card is off (`AirPort: Off`) or its state is not `running`.
 */
export function parseAirportInfo(text: string): WifiScan {
  const fields = new Map(keyValueLines(text));
  if (fields.get('AirPort') === 'Off' || fields.get('state') !== 'running') return { visible: [] };
  const ssid = fields.get('SSID') ?? '';
  const bssid = normaliseBssid(fields.get('BSSID') ?? '');
  if (!ssid && !bssid) return { visible: [] };
  return { connected: { ssid, bssid, rssiDbm: Number(fields.get('agrCtlRSSI') ?? 0) }, visible: [] };
}

/** The `Key : value` lines of one upper-case titled section (NETWORK, WIFI, BLUETOOTH...). */
function sectionLines(text: string, title: string): string {
  let current = '';
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (/^[A-Z][A-Z0-9 ]*$/.test(trimmed)) current = trimmed;
    else if (current === title) lines.push(line);
  }
  return lines.join('\n');
}

/**
 * `wdutil info`, WIFI section: `SSID : Office`, `BSSID : 2c:30:33:a4:02:18`, `RSSI : -55 dBm`.
 * `None` means not associated. A withheld (`<redacted>`) SSID and BSSID cannot place anybody, so
 * that is an error rather than a report of "no Wi-Fi".
 */
export function parseWdutilInfo(text: string): WifiScan {
  const fields = new Map(keyValueLines(sectionLines(text, 'WIFI')));
  if (fields.size === 0) throw new Error('wdutil info printed no WIFI section');
  const value = (key: string) => {
    const v = fields.get(key) ?? '';
    return v === 'None' ? '' : v;
  };
  const [ssidText, bssidText] = [value('SSID'), value('BSSID')];
  if (ssidText === REDACTED && bssidText === REDACTED) {
    throw new Error('wdutil info withheld the SSID and BSSID (<redacted>): it must run as root');
  }
  const ssid = ssidText === REDACTED ? '' : ssidText;
  const bssid = normaliseBssid(bssidText);
  if (!ssid && !bssid) return { visible: [] };
  const rssi = /^(-?\d+)\s*dBm$/.exec(value('RSSI'));
  return { connected: { ssid, bssid, rssiDbm: rssi ? Number(rssi[1]) : 0 }, visible: [] };
}

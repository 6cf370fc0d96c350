// Linux, NetworkManager: `nmcli -t -f ACTIVE,SSID,BSSID,SIGNAL device wifi list --rescan no`.
// Terse mode separates fields with ':' and escapes a literal ':' or '\' inside a value with '\'
// (so a BSSID reads `AA\:BB\:...`). A hidden network has an empty SSID (tabular mode shows '--').
// ACTIVE is yes/no in the C locale, which is why the reader runs nmcli with LC_ALL=C.
import {
  NETWORKMANAGER_QUALITY,
  normaliseBssid,
  qualityToDbm,
  type WifiNetwork,
  type WifiScan,
} from './wifi-network.js';

export const NMCLI_ARGS = [
  '-t',
  '-f',
  'ACTIVE,SSID,BSSID,SIGNAL',
  'device',
  'wifi',
  'list',
  '--rescan',
  'no',
];

/** Splits one terse line on unescaped ':' and removes the escapes. */
export function splitTerseLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (ch === ':') {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

export function parseNmcliTerse(text: string): WifiScan {
  let connected: WifiNetwork | undefined;
  const visible: WifiNetwork[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = splitTerseLine(line.replace(/\r$/, ''));
    if (fields.length !== 4) continue;
    const [active, ssid, bssidText, signal] = fields as [string, string, string, string];
    const bssid = normaliseBssid(bssidText);
    const quality = Number(signal);
    if (!bssid || signal === '' || !Number.isFinite(quality)) continue;
    const network = { ssid, bssid, rssiDbm: qualityToDbm(quality, NETWORKMANAGER_QUALITY) };
    if (active === 'yes' && !connected) connected = network;
    else if (!seen.has(bssid)) visible.push(network);
    seen.add(bssid);
  }
  const others = visible.filter((n) => n.bssid !== connected?.bssid);
  others.sort((a, b) => b.rssiDbm - a.rssiDbm);
  return { ...(connected ? { connected } : {}), visible: others };
}

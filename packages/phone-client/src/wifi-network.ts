// What `sa-phone watch` reads from the OS: the connected Wi-Fi network and the visible ones, in the
// shape a presence report carries (docs/protocol.md section 4: BSSID lower-case `aa:bb:..`).

export interface WifiNetwork {
  /** empty for a hidden network (or one whose name the OS withholds) */
  readonly ssid: string;
  /** lower-case, two hex digits per octet; empty when unknown */
  readonly bssid: string;
  readonly rssiDbm: number;
}

export interface WifiScan {
  /** absent: on no Wi-Fi network */
  readonly connected?: WifiNetwork;
  /** the other networks in range, strongest first (empty where the OS tool lists none) */
  readonly visible: readonly WifiNetwork[];
}

/** The dBm range a tool's 0-100 link quality spans, linearly. */
export interface QualityScale {
  readonly dbmAt0: number;
  readonly dbmAt100: number;
}

/** nmcli SIGNAL: NetworkManager's nm_wifi_utils_level_to_quality clamps to -100..-40 dBm. */
export const NETWORKMANAGER_QUALITY: QualityScale = { dbmAt0: -100, dbmAt100: -40 };

/** netsh Signal %: Windows documents wlanSignalQuality as linear from -100 dBm (0) to -50 dBm (100). */
export const WINDOWS_QUALITY: QualityScale = { dbmAt0: -100, dbmAt100: -50 };

/**
 * RSSI estimate from a 0-100 quality, inverting the tool's own mapping: NetworkManager
 * dBm = 0.6 * quality - 100, Windows dBm = quality / 2 - 100; rounded to whole dBm.
 */
export function qualityToDbm(quality: number, scale: QualityScale): number {
  const q = Math.min(100, Math.max(0, quality));
  return Math.round(scale.dbmAt0 + (q / 100) * (scale.dbmAt100 - scale.dbmAt0));
}

/**
 * `AA:BB:C:D:E:F` (airport drops leading zeros) -> `aa:bb:0c:0d:0e:0f`; '' when it is not six hex
 * octets or is all zeros (what airport prints when associated with nothing).
 */
export function normaliseBssid(text: string): string {
  const octets = text.trim().split(/[:-]/);
  if (octets.length !== 6 || !octets.every((o) => /^[0-9a-f]{1,2}$/i.test(o))) return '';
  const bssid = octets.map((o) => o.toLowerCase().padStart(2, '0')).join(':');
  return bssid === '00:00:00:00:00:00' ? '' : bssid;
}

/**
 * `  Key name : value` lines (airport, wdutil, netsh) as [key, value] pairs in order. Only the
 * first colon separates: keys never hold one, values (SSIDs, MAC addresses) may.
 */
export function keyValueLines(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (key) pairs.push([key, line.slice(at + 1).trim()]);
  }
  return pairs;
}

/** Identity of the connected network for change detection: SSID and BSSID, never the signal. */
export function networkKey(scan: WifiScan): string {
  const c = scan.connected;
  return c ? JSON.stringify([c.ssid, c.bssid]) : 'none';
}

/** One-line human description for logs: `"Office" aa:bb:cc:dd:ee:01 -51 dBm` or `no Wi-Fi`. */
export function describeScan(scan: WifiScan): string {
  const c = scan.connected;
  const net = c ? `${JSON.stringify(c.ssid)} ${c.bssid || '(no BSSID)'} ${c.rssiDbm} dBm` : 'no Wi-Fi';
  return `${net}, ${scan.visible.length} visible`;
}

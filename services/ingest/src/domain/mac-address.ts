// MAC addresses as RADIUS accounting carries them (Calling-Station-Id, Called-Station-Id) and as
// admin stores them (Device.wifi_macs): every vendor spelling becomes lower-case aa:bb:cc:dd:ee:ff.
// Pure.

const HEX12 = /^[0-9a-f]{12}$/;

/**
 * `AA-BB-CC-DD-EE-FF`, `aa:bb:cc:dd:ee:ff`, `aabbccddeeff`, `AABB.CCDD.EEFF` (and mixed case) ->
 * `aa:bb:cc:dd:ee:ff`; anything else -> null.
 */
export function normalizeMac(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  let hex: string;
  if (s.length === 12) hex = s;
  else if (s.length === 17 && /^[0-9a-f]{2}([-:])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$/.test(s))
    hex = s.replace(/[-:]/g, '');
  else if (s.length === 14 && /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s)) hex = s.replace(/\./g, '');
  else return null;
  if (!HEX12.test(hex)) return null;
  return hex.replace(/(..)(?!$)/g, '$1:');
}

export interface CalledStation {
  /** the access point's radio MAC (its BSSID, or the base MAC it derives BSSIDs from) */
  readonly bssid: string;
  /** '' when the attribute carries no SSID */
  readonly ssid: string;
}

/**
 * Called-Station-Id as access points send it (RFC 3580 section 3.20): `AA-BB-CC-DD-EE-FF:SSID`
 * (the common form), a plain MAC (no SSID), or any MAC spelling of normalizeMac followed by `:` or
 * `;` and the SSID. null when it does not start with a MAC.
 */
export function parseCalledStationId(raw: string): CalledStation | null {
  const s = raw.trim();
  const whole = normalizeMac(s);
  if (whole) return { bssid: whole, ssid: '' };
  for (const macLength of [17, 14, 12]) {
    const sep = s[macLength];
    if (sep !== ':' && sep !== ';') continue;
    const bssid = normalizeMac(s.slice(0, macLength));
    if (bssid) return { bssid, ssid: s.slice(macLength + 1) };
  }
  return null;
}

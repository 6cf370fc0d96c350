// Wi-Fi MAC addresses of devices (issue 20): RADIUS accounting names a station by its MAC
// (Calling-Station-Id), in whatever form the access point writes it. Admin stores one form only,
// lower-case aa:bb:cc:dd:ee:ff, and accepts the usual spellings: AA-BB-CC-DD-EE-FF, aa:bb:cc:dd:ee:ff,
// aabbccddeeff and AABB.CCDD.EEFF. A group address (multicast, broadcast) never names a station.

export type MacResult = { readonly mac: string } | { readonly problem: string };

/** Most MACs one device may have (phone Wi-Fi plus a few randomised ones per network). */
export const MAX_WIFI_MACS = 16;

const SEPARATED =
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/;
const BARE = /^[0-9a-f]{12}$/;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/;

/** One MAC in any accepted spelling → its stored form, or what is wrong with it. */
export function normaliseMac(input: string): MacResult {
  const s = input.trim().toLowerCase();
  let hex: string | null = null;
  const sep = SEPARATED.exec(s);
  if (sep) hex = [sep[1], sep[3], sep[4], sep[5], sep[6], sep[7]].join('');
  else if (BARE.test(s)) hex = s;
  else {
    const dotted = DOTTED.exec(s);
    if (dotted) hex = dotted.slice(1).join('');
  }
  const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
  if (hex === null) {
    return {
      problem: `"${shown}" is not a MAC address (write it as aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabbccddeeff or aabb.ccdd.eeff)`,
    };
  }
  if (hex === 'ffffffffffff') return { problem: `"${shown}" is the broadcast address, not a device's` };
  if (Number.parseInt(hex.slice(0, 2), 16) & 1) {
    return { problem: `"${shown}" is a multicast (group) address, not a device's` };
  }
  if (hex === '000000000000') return { problem: `"${shown}" is all zeros, not a device's address` };
  return { mac: hex.match(/../g)!.join(':') };
}

/**
 * A device's list: each normalised, duplicates (after normalisation) dropped, sorted. Returns the
 * first problem, with the position of the MAC it is about.
 */
export function normaliseMacList(
  inputs: readonly string[],
): { readonly macs: string[] } | { readonly problem: string; readonly index: number } {
  const out = new Set<string>();
  for (const [index, input] of inputs.entries()) {
    const r = normaliseMac(input);
    if ('problem' in r) return { problem: r.problem, index };
    out.add(r.mac);
  }
  if (out.size > MAX_WIFI_MACS) {
    return { problem: `a device has at most ${MAX_WIFI_MACS} Wi-Fi MAC addresses`, index: MAX_WIFI_MACS };
  }
  return { macs: [...out].sort() };
}

/** A CSV cell: several MACs separated by spaces, ';' or ','. */
export function splitMacCell(cell: string): string[] {
  return cell.split(/[\s;,]+/).filter((s) => s !== '');
}

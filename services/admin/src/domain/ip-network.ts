// The network an accounting client (access point, Wi-Fi controller) sends from: one IPv4/IPv6
// address or a CIDR block. Checked here so the answer can say what is wrong; stored in a canonical
// text form (IPv6 compressed and lower-case) that Postgres' cidr type also accepts.

export type NetworkResult = { readonly network: string } | { readonly problem: string };

const V4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

function v4Bits(address: string): bigint {
  return address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** Canonical IPv6 text (WHATWG URL host serialiser: RFC 5952 compressed), or null. */
function canonicalV6(address: string): string | null {
  if (!address.includes(':') || /[^0-9a-fA-F:.]/.test(address)) return null;
  try {
    const host = new URL(`http://[${address}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return null;
  }
}

function v6Bits(canonical: string): bigint {
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** Parses "address" or "address/prefix" (IPv4 or IPv6). */
export function parseNetwork(input: string): NetworkResult {
  const s = input.trim();
  const shown = s.length > 60 ? `${s.slice(0, 60)}…` : s;
  const [address = '', prefixText, extra] = s.split('/');
  const usage = `"${shown}" is not an IP address or CIDR block (e.g. 192.0.2.10, 192.0.2.0/24, 2001:db8::/32)`;
  if (extra !== undefined || address === '') return { problem: usage };
  let bits: bigint;
  let width: number;
  let canonical: string;
  if (V4.test(address)) {
    bits = v4Bits(address);
    width = 32;
    canonical = address;
  } else {
    const v6 = canonicalV6(address);
    if (v6 === null || v6.includes('.')) return { problem: usage };
    bits = v6Bits(v6);
    width = 128;
    canonical = v6;
  }
  if (prefixText === undefined) return { network: canonical };
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > width) {
    return { problem: `"${shown}": the prefix length after / must be 0 to ${width}` };
  }
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  if ((bits & hostMask) !== 0n) {
    return {
      problem: `"${shown}" has bits set after the /${prefix} prefix: write the network's first address (or the access point's own address without /${prefix})`,
    };
  }
  return { network: `${canonical}/${prefix}` };
}

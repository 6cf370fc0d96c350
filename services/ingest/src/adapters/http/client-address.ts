// Which address sent an HTTP request: the socket peer, or, when the peer is a trusted proxy, the
// right-most X-Forwarded-For entry that is not itself a trusted proxy.
import { BlockList, isIP } from 'node:net';

export function parseTrustedProxies(spec: string): BlockList {
  const list = new BlockList();
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [ip, bits] = entry.split('/');
    const family = isIP(ip ?? '');
    if (family === 0) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip!, type);
    else list.addSubnet(ip!, Number(bits), type);
  }
  return list;
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function isTrusted(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddress(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList,
): string {
  const direct = normalizeIp(peer);
  if (!forwardedFor || !isTrusted(trusted, direct)) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => normalizeIp(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return direct; // garbage in the chain: do not believe any of it
    if (!isTrusted(trusted, hop)) return hop;
  }
  return direct;
}

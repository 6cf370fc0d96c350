// The URLs an admin can open the console at, for the "listening" line. Bound to one address: that
// address. Bound to every address (0.0.0.0, or :: which also takes IPv4): each non-internal
// interface address, then 127.0.0.1, so the line shows what to type on another PC.
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const WILDCARDS = new Set(['0.0.0.0', '::', '::ffff:0.0.0.0']);

export function listenUrls(
  bound: { address: string; port: number },
  interfaces: Interfaces = networkInterfaces(),
  scheme: 'http' | 'https' = 'http',
): string[] {
  const url = (host: string) => `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
  if (!WILDCARDS.has(bound.address)) return [url(bound.address)];
  const withIpv6 = bound.address === '::';
  const hosts = Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => !info.internal)
    // link-local IPv6 needs a zone id no browser URL takes
    .filter((info) => info.family === 'IPv4' || (withIpv6 && !/^fe[89ab]/i.test(info.address)))
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
    .map((info) => info.address);
  return [...new Set([...hosts, '127.0.0.1'])].map(url);
}

// Datagrams the kernel dropped for ingest's UDP socket before ingest read them: the `drops` column of
// /proc/net/udp and /proc/net/udp6 (the socket's sk_drops: receive buffer full, i.e. ingest fell
// behind or UDP_RECV_BUFFER_BYTES / net.core.rmem_max is too small). Ingest never sees these
// datagrams, so no other metric counts them. The socket is found by this process's socket inodes
// (/proc/self/fd) and its local port, so other sockets on the host never count. Linux only.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PROC_TABLES = ['/proc/net/udp', '/proc/net/udp6'] as const;

/**
 * Sum of the `drops` column over the lines of a /proc/net/udp(6) table whose local port is `port`
 * and whose inode is in `inodes`. Pure: the table text is passed in.
 */
export function parseUdpDrops(table: string, port: number, inodes: ReadonlySet<string>): number {
  let drops = 0;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode ref pointer drops
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const local = f[1]!;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
    if (!inodes.has(f[9]!)) continue;
    drops += Number(f[12]);
  }
  return drops;
}

/** Inodes of the sockets this process holds (`socket:[<inode>]` links in /proc/self/fd). */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // the fd closed meanwhile
    }
  }
  return inodes;
}

/** true where the kernel tables exist (Linux with /proc mounted). */
export function udpDropsReadable(): boolean {
  try {
    readFileSync(PROC_TABLES[0], 'utf8');
    return true;
  } catch {
    return false;
  }
}

/** Drops of this process's UDP socket bound to `port`; undefined when /proc cannot be read. */
export function readUdpDrops(port: number): number | undefined {
  try {
    const inodes = ownSocketInodes();
    let drops = 0;
    for (const table of PROC_TABLES) {
      let text: string;
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue; // no IPv6
      }
      drops += parseUdpDrops(text, port, inodes);
    }
    return drops;
  } catch {
    return undefined;
  }
}

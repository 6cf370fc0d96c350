// The RADIUS accounting clients admin allows (KV snapshot AccountingClients): which enabled client,
// if any, a source address belongs to, and its shared secret. Answers are cached per address until
// the next snapshot. Secrets never leave this table except to the codec; never logged.
import { BlockList, isIP } from 'node:net';
import type { v1 } from '@sa/proto';
import { normalizeIp } from '../http/client-address.js';

export interface AccountingClientEntry {
  readonly id: string;
  readonly name: string;
  readonly secret: Buffer;
}

interface Compiled extends AccountingClientEntry {
  readonly networks: BlockList;
}

type AccountingClients = InstanceType<typeof v1.AccountingClients>;

const MAX_CACHED = 10_000;

export class AccountingClientTable {
  private clients: Compiled[] = [];
  private readonly byAddress = new Map<string, Compiled | null>();

  /** Replaces every client (null: the snapshot was deleted); returns the entries it skipped and why. */
  replace(snapshot: AccountingClients | null): string[] {
    const problems: string[] = [];
    const next: Compiled[] = [];
    for (const c of snapshot?.clients ?? []) {
      if (!c.enabled) continue;
      const networks = parseNetwork(c.network ?? '');
      if (!networks) {
        problems.push(`accounting client ${c.id} (${c.name}): "${c.network}" is not an IP address or CIDR`);
        continue;
      }
      if (!c.secret || c.secret.length === 0) {
        problems.push(`accounting client ${c.id} (${c.name}): no shared secret`);
        continue;
      }
      next.push({ id: c.id ?? '', name: c.name ?? '', secret: Buffer.from(c.secret), networks });
    }
    this.clients = next;
    this.byAddress.clear();
    return problems;
  }

  /** The enabled client whose network contains `src` (the first one admin listed), or undefined. */
  find(src: string): AccountingClientEntry | undefined {
    const cached = this.byAddress.get(src);
    if (cached !== undefined) return cached ?? undefined;
    const ip = normalizeIp(src);
    const family = isIP(ip);
    let found: Compiled | null = null;
    if (family !== 0) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      found = this.clients.find((c) => c.networks.check(ip, type)) ?? null;
    }
    if (this.byAddress.size >= MAX_CACHED) this.byAddress.clear(); // a flood of forged sources
    this.byAddress.set(src, found);
    return found ?? undefined;
  }

  get size(): number {
    return this.clients.length;
  }
}

function parseNetwork(spec: string): BlockList | null {
  const [ip, bits, extra] = spec.trim().split('/');
  if (extra !== undefined || !ip) return null;
  const family = isIP(ip);
  if (family === 0) return null;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  if (bits === undefined) {
    list.addAddress(ip, type);
    return list;
  }
  const prefix = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || prefix > (family === 6 ? 128 : 32)) return null;
  list.addSubnet(ip, prefix, type);
  return list;
}

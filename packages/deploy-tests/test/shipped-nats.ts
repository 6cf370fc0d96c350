// A private nats-server started with the SHIPPED configuration (deploy/nats/nats-server.conf, which includes
// deploy/nats/smartassistant-auth.conf) on free loopback ports, with a temporary JetStream store and a fresh
// random password for every bus user in its environment, as compose and systemd pass them.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixFor } from '@sa/platform';
import { waitFor } from '@sa/testkit';
import { deployDir, requireTool } from './helpers.js';

/** The bus users of smartassistant-auth.conf and the server environment variable holding each password. */
export const busUsers = {
  admin: 'SA_NATS_ADMIN_PASSWORD',
  ingest: 'SA_NATS_INGEST_PASSWORD',
  router: 'SA_NATS_ROUTER_PASSWORD',
  'ami-bridge': 'SA_NATS_AMI_BRIDGE_PASSWORD',
  'set-secret': 'SA_NATS_SET_SECRET_PASSWORD',
} as const;
export type BusUser = keyof typeof busUsers;

export interface ShippedNats {
  readonly url: string;
  readonly passwords: Readonly<Record<BusUser, string>>;
  readonly lines: string[];
  /** The environment a service logs in with: NATS_URL, NATS_USER, NATS_PASSWORD. */
  envFor(user: BusUser): { NATS_URL: string; NATS_USER: string; NATS_PASSWORD: string };
  /** A connection as `user`, the way @sa/platform connects (user, password, inbox prefix). */
  connectAs(user: BusUser): Promise<NatsConnection>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startShippedNats(): Promise<ShippedNats> {
  const binary = requireTool('nats-server', 'nats-server');
  const [port, httpPort] = [await freePort(), await freePort()];
  const store = mkdtempSync(join(tmpdir(), 'sa-nats-auth-'));
  const passwords = Object.fromEntries(
    Object.keys(busUsers).map((u) => [u, `p${randomBytes(16).toString('hex')}`]),
  ) as Record<BusUser, string>;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [user, variable] of Object.entries(busUsers)) env[variable] = passwords[user as BusUser];
  // command-line flags override the file's port, monitoring port and store directory, nothing else
  const child: ChildProcess = spawn(
    binary,
    [
      '-c',
      join(deployDir, 'nats', 'nats-server.conf'),
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-m',
      String(httpPort),
      '-sd',
      store,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const collect = (s: NodeJS.ReadableStream | null) =>
    s?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(store, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited:\n${lines.join('\n')}`);
        return lines.some((l) => l.includes('Server is ready'));
      },
      { what: 'nats-server to be ready', onError: 'fail' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    passwords,
    lines,
    envFor: (user) => ({ NATS_URL: url, NATS_USER: user, NATS_PASSWORD: passwords[user] }),
    connectAs: (user) =>
      connect({
        servers: url,
        user,
        pass: passwords[user],
        inboxPrefix: inboxPrefixFor(user),
        timeout: 3000,
      }),
    stop,
  };
}

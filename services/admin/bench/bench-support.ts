// Shared by the admin benches (bench-admin.ts, bench-import.ts): start admin as a child process on a
// private schema and bus prefix, sign in over HTTP, and stop it and drop what it created afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const PASSWORD = 'bench-password-1';

export interface BenchAdmin {
  child: ChildProcess;
  url: string;
}

/** Starts admin (`src/main.ts` under tsx) and resolves with its HTTP address once it logs "listening". */
export async function startAdmin(
  schema: string,
  prefix: string,
  env: Record<string, string> = {},
): Promise<BenchAdmin> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      NATS_URL,
      SA_BUS_PREFIX: prefix,
      ADMIN_PORT: '0',
      OPS_PORT: '0',
      ADMIN_PASSWORD: PASSWORD,
      ADMIN_KEK: randomBytes(32).toString('base64'),
      ADMIN_SNAPSHOT_ON_EMPTY: 'false',
      ...env,
      LOG_LEVEL: 'info', // the listening line is info
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error('admin did not start within 60 s'));
    }, 60_000);
    child.once('exit', (code) => reject(new Error(`admin exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { http: string }).http);
    });
  });
  return { child, url };
}

/** Signs in as admin and returns the bearer token. */
export async function signIn(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  return ((await login.json()) as { token: string }).token;
}

/** Stops admin (if it started), drops the bench's schema and snapshot buckets, and ends the pool. */
export async function cleanUp(
  admin: BenchAdmin | null,
  pool: pg.Pool,
  schema: string,
  prefix: string,
): Promise<void> {
  if (admin) {
    const exited = new Promise((r) => admin.child.once('exit', r));
    admin.child.kill('SIGTERM');
    await exited;
  }
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  await pool.end();
  await dropBuckets(prefix).catch(() => {});
}

async function dropBuckets(prefix: string): Promise<void> {
  const { connectNats, createLogger, openSnapshotBuckets } = await import('@sa/platform');
  const { busNames } = await import('@sa/proto');
  const c = await connectNats(NATS_URL, 'bench-cleanup', createLogger('bench', 'silent'));
  const b = await openSnapshotBuckets(c.nc, busNames(prefix));
  for (const kv of [b.devices, b.keys, b.users]) await kv.destroy();
  await c.close();
}

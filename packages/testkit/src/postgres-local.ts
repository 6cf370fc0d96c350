// A private PostgreSQL for one test on a loopback port: initdb into a temporary directory, then the
// postmaster run as the `postgres` system user (initdb and postgres refuse root), so a test can
// stop and start it for real without touching the machine's shared server. Trust authentication
// for the superuser `root`; the pid file lets the reaper kill it if the test process dies.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, reapWhenGone, removeWorkDir, workDir } from './local-servers.js';
import { waitFor } from './wait.js';

export interface LocalPostgres {
  /** `postgres://root@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown (SIGINT: sessions are ended, nothing is lost), then resolves once it has exited. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((b) => existsSync(join(b, 'postgres')));
  if (!found) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return found;
}

function systemUser(name: string): { uid: number; gid: number } {
  const out = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`no system user ${name} to run postgres as`);
  return { uid: Number(out.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function initDb(bin: string, data: string, owner: { uid: number; gid: number }): void {
  const r = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'root', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'],
    { ...owner, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
}

/** pg_isready: the server accepts connections (exit 0). */
function accepting(bin: string, port: number): boolean {
  return spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
}

export async function startLocalPostgres(): Promise<LocalPostgres> {
  const bin = postgresBin();
  const owner = systemUser('postgres');
  const dir = workDir('postgres');
  reapWhenGone(dir);
  chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const [port] = await freePorts(1);
  initDb(bin, data, owner);
  const settings = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200'];
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...settings];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const out = openSync(join(dir, 'postgres.log'), 'a');
    child = spawn(join(bin, 'postgres'), args, { ...owner, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    const pidFile = join(dir, 'postgres.pid');
    writeFileSync(pidFile, String(child.pid));
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve(rmSync(pidFile, { force: true }))));
    await waitFor(() => accepting(bin, port!), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'postgres to accept',
    });
  };
  const shutdown = async () => {
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    child?.kill('SIGINT');
    // a timer keeps this process alive meanwhile (the unref'd child does not)
    await waitFor(() => gone, { timeoutMs: 60_000, intervalMs: 20, what: 'postgres to shut down' });
  };
  const stop = async () => {
    await shutdown();
    await removeWorkDir(dir);
  };
  try {
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `postgres://root@127.0.0.1:${port}/postgres`,
    port: port!,
    shutdown,
    start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// Server processes (nats-server, redis-server) started for one test on loopback ports. Each runs
// detached in its own process group, logs into a file of its working directory and has a pid file
// there, so a reaper can kill it even when the test process itself dies without cleaning up.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export interface LocalServer {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The last lines of its log (for assertion messages). */
  tail(lines?: number): string;
  /** Resolves once the process has exited (any signal). */
  exited(): Promise<void>;
  /** SIGKILL: no shutdown at all, as a crashed machine. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** `n` distinct free loopback ports (bound once, then released: a tiny race, fine for tests). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A fresh working directory under the system temp dir, e.g. `sa-redis-cluster-XXXX`. */
export function workDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `sa-${kind}-`));
}

/** Starts `binary args` detached, output into `<dir>/<name>.log`, pid into `<dir>/<name>.pid`. */
export function startLocalServer(dir: string, name: string, binary: string, args: string[]): LocalServer {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, `${name}.log`);
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { cwd: dir, detached: true, stdio: ['ignore', out, out] });
  } catch (err) {
    throw new Error(`cannot start ${binary}: ${(err as Error).message}`, { cause: err });
  }
  child.unref();
  if (child.pid === undefined) throw new Error(`${binary} did not start (is it installed?)`);
  const pid = child.pid;
  const pidFile = join(dir, `${name}.pid`);
  writeFileSync(pidFile, String(pid));
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      // no pid file outlives its process: a reused pid must never be killed by a clean-up
      rmSync(pidFile, { force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) done();
    child.once('exit', done);
    child.once('error', done);
  });
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {}
  };
  return {
    name,
    pid,
    logFile,
    tail: (lines = 5) => readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n'),
    exited: () => exit,
    kill: async () => {
      signal('SIGKILL');
      await exit;
    },
    stop: async (graceMs = 5000) => {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Waits until `server`'s log matches `pattern`; fails with the log's tail if it exits first. */
export async function waitForLog(server: LocalServer, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  let gone = false;
  void server.exited().then(() => {
    gone = true;
  });
  await waitFor(
    () => {
      if (gone) throw new Error(`${server.name} exited: ${server.tail()}`);
      return pattern.test(readFileSync(server.logFile, 'utf8'));
    },
    { timeoutMs, intervalMs: 50, what: `${server.name} to log ${pattern}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${server.tail()}`);
  });
}

// The reaper: a detached node process polling every 500 ms. When the process that started the
// servers is gone, it SIGKILLs every pid file's process in the directory and removes it; when the
// directory is gone (a normal stop), it just exits.
const REAPER = `
const fs = require('node:fs'), path = require('node:path');
const [dir, parent] = [process.argv[1], Number(process.argv[2])];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!fs.existsSync(dir)) process.exit(0);
  if (alive(parent)) return;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.pid')))
    try { process.kill(Number(fs.readFileSync(path.join(dir, f), 'utf8')), 'SIGKILL'); } catch {}
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}, 500);
`;

/** Kills the servers of `dir` and removes it once process `parentPid` has exited, however it ended. */
export function reapWhenGone(dir: string, parentPid = process.pid): void {
  const reaper = spawn(process.execPath, ['-e', REAPER, dir, String(parentPid)], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

/**
 * Stops every server with a pid file in `dir` (SIGTERM, SIGKILL after `graceMs`) and removes the
 * directory. Servers started by this process have removed their pid files when they exited, so only
 * leftovers (or another process's servers, for the CLI) are signalled.
 */
export async function removeWorkDir(dir: string, graceMs = 0): Promise<void> {
  let pids: number[] = [];
  try {
    pids = readdirSync(dir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(readFileSync(join(dir, f), 'utf8')));
  } catch {}
  const signal = (pid: number, s: NodeJS.Signals | 0) => {
    try {
      process.kill(pid, s);
      return true;
    } catch {
      return false;
    }
  };
  if (graceMs > 0) {
    for (const pid of pids) signal(pid, 'SIGTERM');
    await waitFor(() => pids.every((pid) => !signal(pid, 0)), { timeoutMs: graceMs, intervalMs: 50 }).catch(
      () => {},
    );
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

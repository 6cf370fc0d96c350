// Runs a built service (`node services/<name>/dist/main.js`) as a real child process, collects its
// JSON log lines, and exposes the addresses it announced in its `"event":"listening"` line.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export type ServiceName = 'ingest' | 'router' | 'admin' | 'ami-bridge';
export type LogLine = Record<string, unknown> & { event?: string; msg?: string; level?: string };

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'turbo.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('repository root (turbo.json) not found');
    dir = up;
  }
  return dir;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Fields of the `"event":"listening"` line: ops, udp, http ... */
  readonly addresses: Record<string, string>;
  readonly logs: LogLine[];
  readonly stderr: string[];
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** Sends the signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export interface StartServiceOptions {
  readonly env: Record<string, string>;
  readonly timeoutMs?: number;
  /** print the child's output (debugging) */
  readonly echo?: boolean;
  /** wait for the listening line (false: for start-up failure tests) */
  readonly waitListening?: boolean;
}

export async function startService(name: ServiceName, options: StartServiceOptions): Promise<ServiceProcess> {
  const main = join(repoRoot, 'services', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', OPS_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  let exit: number | string | undefined;
  const exited = new Promise<number | string>((res) => {
    child.once('exit', (code, signal) => {
      exit = code ?? signal ?? 'unknown';
      res(exit);
    });
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (options.echo) console.log(`[${name}] ${line}`);
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ msg: line, raw: true });
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (options.echo) console.error(`[${name}!] ${line}`);
    stderr.push(line);
  });

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 10_000, what = 'log line') =>
    waitFor(
      () => {
        const found = logs.find(predicate);
        if (found) return found;
        if (exit !== undefined) {
          throw new Error(`${name} exited (${exit}) before ${what}: ${stderr.slice(-3).join(' | ')}`);
        }
        return undefined;
      },
      { timeoutMs, what: `${name}: ${what}` },
    );

  const addresses: Record<string, string> = {};
  if (options.waitListening !== false) {
    try {
      const line = await waitForLog((l) => l.event === 'listening', options.timeoutMs ?? 15_000, 'listening');
      for (const [k, v] of Object.entries(line)) if (typeof v === 'string') addresses[k] = v;
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  return {
    name,
    child,
    addresses,
    logs,
    stderr,
    waitForLog,
    stop: async (signal = 'SIGTERM', timeoutMs = 10_000) => {
      if (exit !== undefined) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a service to completion (for start-up failure tests) and returns its exit code and stderr. */
export async function runServiceToExit(
  name: ServiceName,
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<{ code: number | string; stderr: string[]; logs: LogLine[] }> {
  const svc = await startService(name, { env, waitListening: false });
  const code = await waitFor(
    () => {
      const c = svc.child.exitCode ?? svc.child.signalCode;
      return c === null ? undefined : c;
    },
    { timeoutMs, what: `${name} to exit` },
  ).catch(async (err) => {
    await svc.stop('SIGKILL');
    throw err;
  });
  // let the line readers flush
  await new Promise((r) => setImmediate(r));
  return { code, stderr: svc.stderr, logs: svc.logs };
}

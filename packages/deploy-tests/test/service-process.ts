// Runs a real service (`node services/<name>/dist/main.js`) as a child process, collecting its JSON
// log lines, and stops it with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '@sa/testkit';
import { repoRoot, type ServiceName } from './helpers.js';

export interface ServiceProcess {
  readonly lines: string[];
  /** The fields of the `"event":"listening"` line (ops, udp, http...). */
  readonly listening: Record<string, string>;
  stop(): Promise<void>;
}

export async function startService(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const main = join(repoRoot, 'services', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx turbo run build)`);
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (input: NodeJS.ReadableStream) =>
    createInterface({ input }).on('line', (l) => lines.push(l));
  collect(child.stdout as NodeJS.ReadableStream);
  collect(child.stderr as NodeJS.ReadableStream);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const line = await waitFor(
      () => {
        if (child.exitCode !== null)
          throw new Error(`${name} exited with ${child.exitCode}:\n${lines.join('\n')}`);
        return lines.find((l) => l.includes('"event":"listening"'));
      },
      { what: `${name} to log "listening"`, timeoutMs: 30_000, onError: 'fail' },
    );
    return { lines, listening: JSON.parse(line) as Record<string, string>, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

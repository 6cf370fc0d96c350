// Shared helpers for the deploy/ checks: where things are, and running real tools with bounded time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const deployDir = join(repoRoot, 'deploy');
export const serviceNames = ['ingest', 'router', 'admin', 'ami-bridge'] as const;
export type ServiceName = (typeof serviceNames)[number];
export const opsPorts: Record<ServiceName, number> = {
  ingest: 9101,
  router: 9102,
  admin: 9103,
  'ami-bridge': 9104,
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real command (no shell), bounded in time, and returns its output. */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): RunResult {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')} could not run: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Path of a required tool, or a thrown error naming the Debian package that provides it. */
export function requireTool(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin'])) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(`${name} is not installed: apt-get install -y ${debianPackage}`);
}

export function readDeploy(relative: string): string {
  return readFileSync(join(deployDir, relative), 'utf8');
}

export function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name));
}

/** Variables documented in deploy/.env.example (commented-out `# NAME=` lines count too). */
export function documentedEnvVars(): Set<string> {
  const text = readDeploy('.env.example');
  return new Set([...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string));
}

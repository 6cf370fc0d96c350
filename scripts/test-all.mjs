#!/usr/bin/env node
// Runs every *.test.ts under the given package folders (default: all workspaces) in ONE node:test
// run, so the closing summary covers the whole repo. Needs @sa/testkit built (npm test builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const workspaces = ['proto', 'packages', 'services'].flatMap((top) => {
  const dir = join(root, top);
  if (top === 'proto') return [dir];
  return existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d)) : [];
});
const targets = process.argv.slice(2).map((p) => resolve(p));
const dirs = targets.length > 0 ? targets : workspaces;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'gen') return [];
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = dirs.flatMap((d) => [...findTests(join(d, 'src')), ...findTests(join(d, 'test'))]);
if (files.length === 0) {
  console.log('no test files found under', dirs.join(', '));
  process.exit(1);
}
// NATS/Redis/Postgres: env URL, else the local server, else (with Docker) a testcontainers container.
const { ensureTestServers } = await import('@sa/testkit');
const servers = await ensureTestServers();
for (const [kind, source] of Object.entries(servers.sources)) {
  if (source !== 'local')
    console.log(
      `test ${kind}: ${source} (${servers.env[`${kind === 'postgres' ? 'DATABASE' : kind.toUpperCase()}_URL`]})`,
    );
}
const concurrency = process.env.SA_TEST_CONCURRENCY ?? '2';
// A hung test fails instead of hanging CI: per-test timeout, and a watchdog on the whole run.
const testTimeoutMs = Number(process.env.SA_TEST_TIMEOUT_MS ?? 300_000);
const runTimeoutMs = Number(process.env.SA_TEST_RUN_TIMEOUT_MS ?? 60 * 60_000);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    // keeps results from being lost at force-exit (see test-preload.mjs)
    '--import',
    pathToFileURL(join(root, 'scripts', 'test-preload.mjs')).href,
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${testTimeoutMs}`,
    '--test-force-exit',
    '--test-reporter=spec',
    ...files,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, ...servers.env, NODE_ENV: 'test' },
    timeout: runTimeoutMs,
    killSignal: 'SIGKILL',
  },
);
if (result.error) console.error(`test run aborted: ${result.error.message}`);
await servers.stop();
process.exit(result.status ?? 1);

// `npm start` (scripts/start.mjs) checks every service's configuration before starting any: a
// mistake in one service is one line naming the service and variable, and nothing is started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, testUrls } from '@sa/testkit';

test('given a config error in admin and one in router, when npm start runs, then both are reported, one line each, and no service starts', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      NATS_URL: testUrls.nats,
      REDIS_URL: testUrls.redis,
      DATABASE_URL: testUrls.postgres,
      ADMIN_PORT: 'eighty',
      ROUTER_PARTITIONS: 'x',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 78, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.match(
    lines[0] ?? '',
    /^✗ admin: invalid configuration: ADMIN_PORT: must be a port number \(got "eighty"\)$/,
  );
  assert.match(lines[1] ?? '', /^✗ router: invalid configuration: ROUTER_PARTITIONS/);
  assert.match(lines[2] ?? '', /^nothing was started/);
  assert.equal(lines.length, 3);
  assert.doesNotMatch(r.stdout, /listening|exited/);
});

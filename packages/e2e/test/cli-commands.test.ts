// The CLIs the docs and warnings name are commands after `npm ci` and a build: linked into
// node_modules/.bin (so `npx <name>` finds them) and executable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@sa/testkit';

for (const [command, usage] of [
  ['sa-phone', /^Usage: sa-phone /],
  ['sa-licence', /^Usage: sa-licence /],
  ['sa-admin', /^Usage: sa-admin /],
  ['smart-set-secret', /^Usage: smart-set-secret /],
] as const) {
  test(`given the repository installed and built, when ${command} --help runs as a command, then it prints its usage`, () => {
    const r = spawnSync(join(repoRoot, 'node_modules', '.bin', command), ['--help'], { encoding: 'utf8' });
    assert.equal(r.error, undefined, `${command}: ${r.error?.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, usage);
  });
}

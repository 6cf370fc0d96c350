// scripts/ensure-test-deps.mjs is the first step of `npm test`: it installs (as root) or names (as any
// other user) what the tests need. These checks run it in dry-run mode with packages it is told are
// missing, so the fresh-machine path is exercised on a machine that has everything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from './helpers.js';

const script = join(repoRoot, 'scripts', 'ensure-test-deps.mjs');
const shim = join(repoRoot, 'deploy', 'ci', 'docker-compose-cli-plugin.sh');
const scratch = mkdtempSync(join(tmpdir(), 'sa-ensure-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function ensure(...args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: r.stdout.split('\n').filter(Boolean),
  };
}

/** A project folder with a package.json and a lockfile of two packages, one optional (other platform). */
function project(name: string, engines = '>=20.19') {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, engines: { node: engines } }));
  const packages = {
    '': { name },
    'node_modules/left-pad': { version: '1.3.0', integrity: 'sha512-x' },
    'node_modules/@turbo/darwin-64': { version: '2.0.0', optional: true, os: ['darwin'] },
    'node_modules/@sa/lib': { resolved: 'packages/lib', link: true },
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }));
  return dir;
}
function installed(dir: string, packages: Record<string, unknown>) {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ packages }));
}

describe('scripts/ensure-test-deps.mjs (the first step of npm test)', () => {
  it('given Debian packages missing and root, when run, then apt-get update runs once and one noninteractive install names exactly the missing ones', (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root (it behaves as a user otherwise)');
    const r = ensure('--dry-run', '--assume-missing=knockd,chromium,docker-compose');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.lines.filter((l) => l.includes('would run: apt-get update')).length, 1, r.stdout);
    const installs = r.lines.filter((l) => /apt-get install/.test(l));
    assert.equal(installs.length, 1, r.stdout);
    assert.match(
      installs[0] ?? '',
      /would run: DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium knockd docker-compose$/,
    );
    assert.match(r.stdout, /knockd \(the port-knocking test\)/);
    assert.match(r.stdout, /dry run: nothing was changed/);
  });

  it('given Debian packages missing and not root, when run, then it fails with one line naming them and the apt-get command', () => {
    const r = ensure('--dry-run', '--as-user', '--assume-missing=fail2ban,knockd');
    assert.equal(r.status, 1);
    const errors = r.stderr.split('\n').filter(Boolean);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(
      errors[0] ?? '',
      /not installed: fail2ban knockd — run: sudo apt-get update && sudo apt-get install -y -q --no-install-recommends fail2ban knockd$/,
    );
    assert.doesNotMatch(r.stdout, /would run: .*apt-get/);
  });

  it('given nothing missing, when run, then it changes nothing and says nothing but the dry-run line (the Docker step aside)', () => {
    const r = ensure('--dry-run');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.lines.filter((l) => !/docker/.test(l)),
      ['ensure-test-deps: dry run: nothing was changed'],
    );
  });

  it('given a clone where npm ci was not run, when run, then it runs npm ci first', () => {
    const dir = project('fresh-clone');
    const r = ensure('--dry-run', `--project=${dir}`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      r.lines.includes(
        'ensure-test-deps: node_modules is missing: installing npm dependencies from package-lock.json',
      ),
      r.stdout,
    );
    assert.ok(r.lines.includes('ensure-test-deps: would run: npm ci --no-audit --no-fund'), r.stdout);
  });

  it("given node_modules installed from the lockfile (other platforms' optional packages absent), when run, then no npm ci", () => {
    const dir = project('installed');
    installed(dir, {
      'node_modules/left-pad': {
        version: '1.3.0',
        resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
      },
      'node_modules/@sa/lib': { resolved: 'packages/lib', link: true },
    });
    const r = ensure('--dry-run', `--project=${dir}`);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /npm ci/);
  });

  it('given node_modules older than package-lock.json (a pull changed a version, added or removed a package), when run, then npm ci, naming the difference', () => {
    const dir = project('stale');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        {
          'node_modules/left-pad': { version: '1.2.0' },
          'node_modules/@sa/lib': { resolved: 'packages/lib', link: true },
        },
        /node_modules\/left-pad is 1\.2\.0, package-lock\.json wants 1\.3\.0/,
      ],
      [
        { 'node_modules/@sa/lib': { resolved: 'packages/lib', link: true } },
        /node_modules\/left-pad is not installed/,
      ],
      [
        {
          'node_modules/left-pad': { version: '1.3.0' },
          'node_modules/@sa/lib': { resolved: 'packages/lib', link: true },
          'node_modules/gone': { version: '1.0.0' },
        },
        /node_modules\/gone is installed but not in package-lock\.json/,
      ],
    ];
    for (const [packages, reason] of cases) {
      installed(dir, packages);
      const r = ensure('--dry-run', `--project=${dir}`);
      assert.match(r.stdout, reason);
      assert.match(r.stdout, /would run: npm ci --no-audit --no-fund/);
    }
  });

  it('given a Node.js older than package.json engines, when run, then it fails with one line naming the version wanted', () => {
    const r = ensure('--dry-run', `--project=${project('future', '>=99.1')}`);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr.trim(),
      /^ensure-test-deps: Node\.js \S+ is too old: this project needs node >=99\.1 \(package\.json engines\)$/,
    );
  });

  it('given a Docker CLI with an older copy of the compose shim, when run, then the shim is brought up to date and `docker compose` works', (t) => {
    const docker = spawnSync('docker', ['--version']);
    if (docker.error) return t.skip('no docker CLI on this machine');
    const config = join(scratch, 'docker-config');
    mkdirSync(join(config, 'cli-plugins'), { recursive: true });
    const plugin = join(config, 'cli-plugins', 'docker-compose');
    writeFileSync(
      plugin,
      '#!/bin/sh\n# Docker Compose (Debian docker-compose 1.29 shim), an older copy\nexit 1\n',
    );
    const dry = ensure('--dry-run', `--docker-config=${config}`);
    assert.match(
      dry.stdout,
      new RegExp(`would run: install -D -m 0755 \\S+docker-compose-cli-plugin\\.sh ${plugin}`),
    );
    assert.match(readFileSync(plugin, 'utf8'), /an older copy/, 'a dry run changes nothing');

    const real = ensure(`--docker-config=${config}`);
    assert.equal(real.status, 0, real.stderr);
    assert.equal(readFileSync(plugin, 'utf8'), readFileSync(shim, 'utf8'));
    assert.equal(statSync(plugin).mode & 0o777, 0o755);
    const version = spawnSync('docker', ['compose', 'version'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: config },
    });
    assert.equal(version.status, 0, version.stderr);
  });

  it('given a Docker CLI whose compose plugin is not our shim, when run, then it is left alone', (t) => {
    if (spawnSync('docker', ['--version']).error) return t.skip('no docker CLI on this machine');
    const config = join(scratch, 'docker-config-real');
    mkdirSync(join(config, 'cli-plugins'), { recursive: true });
    const plugin = join(config, 'cli-plugins', 'docker-compose');
    copyFileSync(shim, plugin);
    writeFileSync(plugin, readFileSync(plugin, 'utf8').replace('docker-compose 1.29 shim', 'someone else'));
    const r = ensure('--dry-run', `--docker-config=${config}`);
    assert.doesNotMatch(r.stdout, /cli-plugins/);
  });
});

describe('.ci/run and the README', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
  const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = quickStart
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);

  it('given the Quick start, when read, then it has two commands and the second is the test command', () => {
    assert.equal(commands.length, 2, quickStart);
    assert.match(commands[1] ?? '', /npm test/);
  });

  it('given .ci/run, when read, then its last command is exactly the README test command and it installs nothing itself', () => {
    const lines = ci
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines.at(-1), commands[1]);
    assert.doesNotMatch(ci, /^[^#\n]*(apt-get|npm ci|npm install|install -D)/m);
  });

  it('given package.json, when read, then npm test starts with the ensure step', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: { test: string };
    };
    assert.match(pkg.scripts.test, /^node scripts\/ensure-test-deps\.mjs && /);
  });
});

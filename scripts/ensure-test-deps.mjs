#!/usr/bin/env node
// First step of `npm test`: makes sure this machine has what the tests need, so that the README's test
// command passes on a fresh machine with no other step. In order:
//   1. Node.js satisfies package.json "engines" (the one place the Node version is stated);
//   2. node_modules matches package-lock.json, else `npm ci` (a fresh clone needs no separate install);
//   3. the Debian packages whose tools the tests run (browser, fail2ban-regex, knockd, firewall tools,
//      docker-compose, systemd-analyze, radclient) are installed: as root it installs the missing ones with apt-get;
//      as any other user it stops with one line naming them and the apt-get command;
//   4. `docker compose` works where a Docker CLI exists: Debian bookworm has no Compose v2 plugin, so the
//      shim deploy/ci/docker-compose-cli-plugin.sh is installed as the user's CLI plugin.
// It has no dependencies (it runs before `npm ci`). Uses no network when nothing is missing.
//
// For checking the script itself (packages/deploy-tests/test/ensure-test-deps.test.ts):
//   --dry-run               change nothing; print each command it would run as "would run: ..."
//   --assume-missing=a,b    treat these Debian packages as not installed
//   --as-user               behave as a user other than root
//   --project=<dir>         look for package.json, package-lock.json and node_modules in <dir>
//   --docker-config=<dir>   where the Docker CLI looks for plugins (default: $DOCKER_CONFIG or ~/.docker)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, ...value] = a.replace(/^--/, '').split('=');
    return [key, value.length > 0 ? value.join('=') : 'true'];
  }),
);
const dryRun = args.has('dry-run');
const assumeMissing = new Set((args.get('assume-missing') ?? '').split(',').filter(Boolean));
const isRoot = !args.has('as-user') && process.getuid?.() === 0;
const project = resolve(args.get('project') ?? repoRoot);
// Read once here; neither changes what turbo builds or caches.
const { DOCKER_CONFIG, CHROMIUM_PATH } = process.env;
const dockerConfig = args.get('docker-config') ?? DOCKER_CONFIG ?? join(homedir(), '.docker');

/** Debian package -> what the tests use it for. */
const DEBIAN_PACKAGES = {
  chromium: 'the admin console browser test',
  fail2ban: 'fail2ban-regex, for the deploy/fail2ban filter test',
  knockd: 'the port-knocking test',
  iptables: 'the port-knocking firewall test',
  nftables: 'the port-knocking firewall test',
  iproute2: 'ip netns, for the network namespace tests',
  'docker-compose': 'docker-compose config, for the deploy/compose.yaml test',
  systemd: 'systemd-analyze verify, for the systemd unit test',
  'nats-server':
    'a NATS with the shipped users and permissions, for the bus permission tests (and npm start)',
  'freeradius-utils': 'radclient, the RADIUS accounting client of the ingest RADIUS tests',
};

function say(line) {
  console.log(`ensure-test-deps: ${line}`);
}
function fail(line) {
  console.error(`ensure-test-deps: ${line}`);
  process.exit(1);
}
/** Runs a command (or, in a dry run, prints it); a failure stops the script. */
function act(cmd, cmdArgs, env = {}) {
  const shown = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...cmdArgs].join(' ');
  if (dryRun) {
    say(`would run: ${shown}`);
    return;
  }
  say(`running: ${shown}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: project, env: { ...process.env, ...env } });
  if (r.status !== 0) fail(`\`${shown}\` failed (${r.error?.message ?? `exit ${r.status}`})`);
}
function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

// 1. Node.js version, against the "engines" range in package.json (">=X.Y[.Z]" is the form used).
function checkNode() {
  const wanted = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).engines?.node;
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(wanted ?? '');
  if (!m) return;
  const need = [m[1], m[2], m[3]].map((n) => Number(n ?? 0));
  const have = process.versions.node.split('.').map(Number);
  const cmp = have[0] - need[0] || have[1] - need[1] || have[2] - need[2];
  if (cmp < 0)
    fail(
      `Node.js ${process.versions.node} is too old: this project needs node ${wanted} (package.json engines)`,
    );
}

// 2. npm dependencies: node_modules/.package-lock.json (written by npm ci/install) must list exactly the
// packages of package-lock.json, at the same versions (platform-specific optional packages may be absent).
function nodeModulesProblem() {
  const hiddenPath = join(project, 'node_modules', '.package-lock.json');
  if (!existsSync(hiddenPath)) return 'node_modules is missing';
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')).packages ?? {};
  const hidden = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
  for (const [path, want] of Object.entries(lock)) {
    if (path === '') continue;
    const got = hidden[path];
    if (!got) {
      if (want.optional) continue;
      return `${path} is not installed`;
    }
    // Registry URLs ("resolved") depend on the user's npm config; a link's target does not.
    if (
      got.version !== want.version ||
      got.link !== want.link ||
      (want.link && got.resolved !== want.resolved)
    )
      return `${path} is ${got.version ?? got.resolved}, package-lock.json wants ${want.version ?? want.resolved}`;
  }
  const extra = Object.keys(hidden).find((path) => !(path in lock));
  return extra ? `${extra} is installed but not in package-lock.json` : undefined;
}

// 3. Debian packages.
function ensureDebianPackages() {
  if (process.platform !== 'linux' || !which('dpkg-query')) {
    say(
      `not a Debian system: make sure these are installed yourself: ${Object.keys(DEBIAN_PACKAGES).join(' ')}`,
    );
    return;
  }
  const needed = Object.keys(DEBIAN_PACKAGES).filter(
    // CHROMIUM_PATH points the browser test at another Chromium: the package is then not needed.
    (p) => !(p === 'chromium' && CHROMIUM_PATH && existsSync(CHROMIUM_PATH)),
  );
  const missing = needed.filter((p) => {
    if (assumeMissing.has(p)) return true;
    const r = spawnSync('dpkg-query', ['-W', `-f=\${Status}`, p], { encoding: 'utf8' });
    return !/install ok installed/.test(r.stdout ?? '');
  });
  if (missing.length === 0) return;
  const install = ['install', '-y', '-q', '--no-install-recommends', ...missing];
  if (!isRoot)
    fail(
      `the tests need Debian packages that are not installed: ${missing.join(' ')} — run: sudo apt-get update && sudo apt-get ${install.join(' ')}`,
    );
  say(
    `${dryRun ? 'would install' : 'installing'} Debian packages the tests need: ${missing.map((p) => `${p} (${DEBIAN_PACKAGES[p]})`).join(', ')}`,
  );
  act('apt-get', ['update', '-q']);
  act('apt-get', install, { DEBIAN_FRONTEND: 'noninteractive' });
}

// 4. `docker compose` (the form the docs use) where a Docker CLI exists but has no Compose plugin.
function ensureComposePlugin() {
  const docker = which('docker');
  if (!docker) {
    say(
      'no docker CLI on the PATH: the `docker compose` test is skipped (docker-compose is tested directly)',
    );
    return;
  }
  const shim = join(repoRoot, 'deploy', 'ci', 'docker-compose-cli-plugin.sh');
  const target = join(dockerConfig, 'cli-plugins', 'docker-compose');
  const ours = existsSync(target) && readFileSync(target, 'utf8').includes('docker-compose 1.29 shim');
  if (ours && readFileSync(target, 'utf8') === readFileSync(shim, 'utf8')) return;
  if (!ours) {
    const r = spawnSync(docker, ['compose', 'version'], { encoding: 'utf8', env: withDockerConfig() });
    if (r.status === 0) return; // a real Compose v2 plugin (or another shim): leave it alone
  }
  if (dryRun) {
    say(`would run: install -D -m 0755 ${shim} ${target}`);
    return;
  }
  say(`installing the docker compose CLI-plugin shim (Debian's docker-compose) as ${target}`);
  mkdirSync(join(dockerConfig, 'cli-plugins'), { recursive: true });
  copyFileSync(shim, target);
  chmodSync(target, 0o755);
}
function withDockerConfig() {
  return args.has('docker-config') ? { ...process.env, DOCKER_CONFIG: dockerConfig } : process.env;
}

checkNode();
const problem = nodeModulesProblem();
if (problem) {
  say(`${problem}: installing npm dependencies from package-lock.json`);
  act('npm', ['ci', '--no-audit', '--no-fund']);
}
ensureDebianPackages();
ensureComposePlugin();
if (dryRun) say('dry run: nothing was changed');

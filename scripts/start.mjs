#!/usr/bin/env node
// `npm start`: checks NATS, Redis and Postgres are reachable (naming the one that is not and how to
// start it), then runs the four services as separate processes and prints where each listens.
// Ctrl-C / SIGTERM stops them gracefully.
// Without NATS_URL it runs its own NATS with the shipped users and permissions (local-nats.mjs): each
// service logs in as its own bus user, as in every shipped deployment.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
// NATS_URL given: that server, with whatever NATS_USER/NATS_PASSWORD are given (one for all services).
// Otherwise: a private nats-server started below with deploy/nats/nats-server.conf.
const ownNats = !process.env.NATS_URL;
const env = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
  ...process.env,
};

const servers = [
  {
    name: 'NATS (JetStream)',
    variable: 'NATS_URL',
    defaultPort: 4222,
    start: 'nats-server -js -sd /var/lib/nats-server',
  },
  { name: 'Redis', variable: 'REDIS_URL', defaultPort: 6379, start: 'redis-server --daemonize yes' },
  { name: 'PostgreSQL', variable: 'DATABASE_URL', defaultPort: 5432, start: 'pg_ctlcluster 15 main start' },
];

function reachable(url, defaultPort) {
  const u = new URL(url);
  return new Promise((res) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || defaultPort), timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
    socket.once('timeout', () => {
      socket.destroy();
      res(false);
    });
  });
}

let missing = 0;
for (const s of servers) {
  if (s.variable === 'NATS_URL' && ownNats) continue;
  if (!(await reachable(env[s.variable], s.defaultPort))) {
    console.error(
      `✗ ${s.name} is not reachable at ${env[s.variable]} (${s.variable}). Start it with: ${s.start}`,
    );
    missing++;
  }
}
if (missing > 0) process.exit(69);

// The private NATS: deploy/nats/nats-server.conf (the shipped users and permissions) on a loopback port,
// JetStream data and the generated passwords (once, mode 0600) under .sa-local/.
let localNats;
const natsUsers = {};
if (ownNats && (env.SA_BUS_PREFIX ?? 'sa') !== 'sa') {
  console.error(
    `✗ SA_BUS_PREFIX=${env.SA_BUS_PREFIX}: npm start's own NATS has the shipped permissions, written for the prefix "sa"; unset SA_BUS_PREFIX or set NATS_URL to a NATS of yours`,
  );
  process.exit(78);
}
if (ownNats) {
  const { startLocalNats } = await import('./local-nats.mjs');
  try {
    localNats = await startLocalNats(root, env);
  } catch (err) {
    console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(69);
  }
  env.NATS_URL = localNats.url;
  Object.assign(natsUsers, localNats.serviceEnv);
  console.log(
    `NATS: own server on ${localNats.url} with the shipped users and permissions (deploy/nats/); passwords in ${localNats.passwordsFileShown}`,
  );
}

// Without a PBX configured, run the Asterisk simulator (the AMI test server that replays recorded
// Asterisk behaviour) so the whole system runs and can be tried out; say so loudly.
let simulator;
if (!env.AMI_SECRET) {
  const { AmiTestServer } = await import('@sa/testkit/ami');
  simulator = await AmiTestServer.start({ port: 0 });
  Object.assign(env, {
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(simulator.port),
    AMI_USERNAME: simulator.options.username,
    AMI_SECRET: simulator.options.secret,
  });
  console.log(
    `! AMI_SECRET is not set: ami-bridge talks to the built-in Asterisk simulator on 127.0.0.1:${simulator.port}.` +
      ' Set AMI_HOST, AMI_USERNAME and AMI_SECRET to connect your PBX (docs/asterisk.md).',
  );
}

const services = [
  { name: 'admin', color: 35, env: { OPS_PORT: env.ADMIN_OPS_PORT ?? '9103' } },
  { name: 'ami-bridge', color: 33, env: { OPS_PORT: env.AMI_BRIDGE_OPS_PORT ?? '9104' } },
  { name: 'router', color: 36, env: { OPS_PORT: env.ROUTER_OPS_PORT ?? '9102' } },
  {
    name: 'ingest',
    color: 32,
    env: { OPS_PORT: env.INGEST_OPS_PORT ?? '9101' },
    // RSS ~120 MB with 100k devices (services/ingest/README.md, "Performance")
    nodeArgs: ['--max-semi-space-size=8', '--max-old-space-size=384'],
  },
];
// Every service's configuration is checked before any starts: a mistake in one is reported (one line
// each, naming the variable) without starting, then stopping, the others.
const configLoaders = {
  admin: 'loadAdminConfig',
  'ami-bridge': 'loadAmiBridgeConfig',
  router: 'loadRouterConfig',
  ingest: 'loadIngestConfig',
};
let badConfigs = 0;
for (const svc of services) {
  const config = await import(pathToFileURL(join(root, 'services', svc.name, 'dist', 'config.js')).href);
  Object.assign(svc.env, natsUsers[svc.name]);
  try {
    config[configLoaders[svc.name]]({ ...env, ...svc.env });
  } catch (err) {
    console.error(`✗ ${svc.name}: ${err instanceof Error ? err.message : String(err)}`);
    badConfigs++;
  }
}
if (badConfigs > 0) {
  await simulator?.stop();
  await localNats?.stop();
  console.error('nothing was started: fix the settings above (deploy/.env.example lists every variable)');
  process.exit(78);
}

const verbose = process.env.SA_START_VERBOSE === '1';
const children = [];
let stopping = false;

// `npm run try` (packages/e2e/src/try-phone.ts) needs admin access without anyone typing a password.
// When admin generates the first admin password (ADMIN_PASSWORD unset, empty database), admin (its
// stderr is no terminal here) leaves it in a 0600 file and logs only the file's path
// (admin_password_file); we show it on this terminal once and store it nowhere else. Once admin
// listens, we sign in with it once and create a named, revocable API token ("npm-run-try", listed in
// the console's Automation page and in the audit log as token:npm-run-try), kept for the try
// command in SA_TRY_TOKEN_FILE (default .sa-local/admin-token: git-ignored, directory 0700, file
// 0600). The token opens the whole admin API, like the password; delete the file and revoke the
// token when you stop trying things out.
const tryTokenFile = resolve(root, env.SA_TRY_TOKEN_FILE ?? join('.sa-local', 'admin-token'));
const firstAdmin = { password: null, url: null, done: false };
async function saveTryToken() {
  if (firstAdmin.done || !firstAdmin.password || !firstAdmin.url) return;
  firstAdmin.done = true;
  const api = `${firstAdmin.url.replace(/\/$/, '')}/api/v1`;
  try {
    const login = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: firstAdmin.password }),
    });
    const session = await login.json();
    if (!login.ok) throw new Error(`login -> ${login.status} ${session.code ?? ''}`);
    const created = await fetch(`${api}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ name: 'npm-run-try' }),
    });
    const body = await created.json();
    if (!created.ok) throw new Error(`POST /tokens -> ${created.status} ${body.code ?? ''}`);
    mkdirSync(dirname(tryTokenFile), { recursive: true, mode: 0o700 });
    const tmp = `${tryTokenFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${body.token}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, tryTokenFile);
    const shown = relative(root, tryTokenFile);
    console.log(
      `saved an admin API token ("npm-run-try") for \`npm run try\` in ${shown && !shown.startsWith('..') ? shown : tryTokenFile} (mode 0600)`,
    );
  } catch (err) {
    console.log(
      `! could not save an admin API token for \`npm run try\` (${err instanceof Error ? err.message : err}): run it with ADMIN_PASSWORD set`,
    );
  } finally {
    firstAdmin.password = null;
  }
}

for (const svc of services) {
  const child = spawn(
    process.execPath,
    [...(svc.nodeArgs ?? []), join(root, 'services', svc.name, 'dist', 'main.js')],
    {
      cwd: root,
      env: { ...env, ...svc.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const tag = `\x1b[${svc.color}m${svc.name.padEnd(10)}\x1b[0m`;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      console.log(`${tag} ${line}`);
      return;
    }
    if (svc.name === 'admin' && entry.event === 'admin_password_file' && typeof entry.file === 'string') {
      try {
        firstAdmin.password = readFileSync(entry.file, 'utf8').trim();
        console.error(
          `${tag} created account "admin" with generated password ${firstAdmin.password} (shown once; change it; also in ${entry.file})`,
        );
        void saveTryToken();
      } catch (err) {
        console.log(`${tag} ! cannot read ${entry.file}: ${err instanceof Error ? err.message : err}`);
      }
      return;
    }
    if (entry.event === 'listening') {
      if (svc.name === 'admin' && typeof entry.http === 'string') {
        firstAdmin.url = entry.http;
        void saveTryToken();
      }
      const where = Object.entries(entry)
        .filter(([k]) => ['ops', 'http', 'udp'].includes(k))
        // admin bound to every address lists each one in `urls`
        .map(([k, v]) => `${k} ${k === 'http' && Array.isArray(entry.urls) ? entry.urls.join(', ') : v}`)
        .join(', ');
      console.log(`${tag} listening: ${where}`);
    } else if (
      verbose ||
      ['warn', 'error', 'fatal'].includes(entry.level) ||
      entry.event === 'admin_password'
    ) {
      console.log(`${tag} ${entry.level ?? ''} ${entry.msg ?? line}`);
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    console.error(`${tag} ${line}`);
    const generated =
      svc.name === 'admin' && /created account "admin" with generated password (\S+)/.exec(line);
    if (generated) {
      firstAdmin.password = generated[1];
      void saveTryToken();
    }
  });
  child.on('exit', (code, signal) => {
    console.log(`${tag} exited (${code ?? signal})`);
    if (!stopping) stopAll(`${svc.name} exited`, 1);
  });
}

function stopAll(reason, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.log(`stopping all services (${reason})`);
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    localNats?.kill();
    process.exit(1);
  }, 10_000);
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))))
    .then(() => localNats?.stop())
    .then(() => {
      clearTimeout(deadline);
      process.exit(exitCode);
    });
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
console.log('Smart Assistant starting (SA_START_VERBOSE=1 shows every log line). Ctrl-C stops.');

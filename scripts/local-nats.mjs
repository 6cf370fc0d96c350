// `npm start`'s own NATS: nats-server with the shipped configuration (deploy/nats/nats-server.conf, which
// includes the users and permissions of deploy/nats/smartassistant-auth.conf) on a loopback port, so a
// local run logs in and is refused exactly as a deployment is.
//   .sa-local/nats.env          the bus users' passwords, generated once (directory 0700, file 0600)
//   .sa-local/set-secret.env    NATS_URL/NATS_USER/NATS_PASSWORD for smart-set-secret (0600)
//   .sa-local/nats/             JetStream data, nats-server.pid
// SA_LOCAL_NATS_PORT (default 4223; the monitoring port is 4000 above it) moves it, SA_LOCAL_NATS_DIR
// (default .sa-local) keeps those files elsewhere.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';

/** Bus user of each service, and the server variable holding its password (smartassistant-auth.conf). */
export const BUS_USERS = {
  admin: 'SA_NATS_ADMIN_PASSWORD',
  ingest: 'SA_NATS_INGEST_PASSWORD',
  router: 'SA_NATS_ROUTER_PASSWORD',
  'ami-bridge': 'SA_NATS_AMI_BRIDGE_PASSWORD',
  'set-secret': 'SA_NATS_SET_SECRET_PASSWORD',
};

export const DEFAULT_LOCAL_NATS_PORT = 4223;

function writePrivate(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

function parseEnvFile(file) {
  const values = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) values[m[1]] = m[2];
  return values;
}

/** The passwords of .sa-local/nats.env, generated (letters and digits, a letter first) when missing. */
export function localNatsPasswords(stateDir) {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'nats.env');
  const existing = existsSync(file) ? parseEnvFile(file) : {};
  const missing = Object.values(BUS_USERS).filter((v) => !existing[v]);
  if (missing.length > 0) {
    for (const v of missing) existing[v] = `p${randomBytes(24).toString('hex')}`;
    writePrivate(
      `${file}`,
      '# npm start (scripts/local-nats.mjs): passwords of the bus users of its own NATS. Keep it private.\n' +
        Object.values(BUS_USERS)
          .map((v) => `${v}=${existing[v]}\n`)
          .join(''),
    );
  }
  return { file, passwords: existing };
}

function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** A nats-server a previous npm start left running (killed start script): stop it. */
async function stopLeftover(pidFile, configFile) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('nats-server') || !cmdline.includes(configFile)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts the private server and resolves once it accepts clients; `serviceEnv[service]` holds the
 * NATS_USER/NATS_PASSWORD each service logs in with. Throws a one-line, actionable error.
 */
export async function startLocalNats(root, env) {
  const which = spawnSync('sh', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], {
    encoding: 'utf8',
  });
  const binary = which.stdout.trim().split('\n')[0];
  if (which.status !== 0 || !binary)
    throw new Error(
      'nats-server is not installed (apt-get install nats-server), or set NATS_URL to a NATS server (with NATS_USER/NATS_PASSWORD if it wants them)',
    );
  const stateDir = resolve(root, env.SA_LOCAL_NATS_DIR || '.sa-local');
  const { file: passwordsFile, passwords } = localNatsPasswords(stateDir);
  const port = Number(env.SA_LOCAL_NATS_PORT || DEFAULT_LOCAL_NATS_PORT);
  const configFile = join(root, 'deploy', 'nats', 'nats-server.conf');
  const dataDir = join(stateDir, 'nats');
  const pidFile = join(dataDir, 'nats-server.pid');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await stopLeftover(pidFile, configFile);
  if (await portAnswers(port))
    throw new Error(
      `127.0.0.1:${port} is in use: npm start runs its own NATS there; set SA_LOCAL_NATS_PORT to a free port (or NATS_URL to use another server)`,
    );
  const url = `nats://127.0.0.1:${port}`;
  const serverEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const v of Object.values(BUS_USERS)) serverEnv[v] = passwords[v];
  // its own process group: Ctrl-C stops the services first, then stop() stops NATS
  const child = spawn(
    binary,
    [
      '-c',
      configFile,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-m',
      String(port + 4000),
      '-sd',
      dataDir,
      '-P',
      pidFile,
    ],
    { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (d) => {
    output = `${output}${d}`.slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    const check = () => {
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    if (child.exitCode === null) child.kill('SIGKILL');
    const last = output.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`NATS (${binary} -c ${relative(root, configFile)}) did not start: ${last}`);
  }
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  const setSecretFile = join(stateDir, 'set-secret.env');
  writePrivate(
    setSecretFile,
    `# npm start: how smart-set-secret reaches admin (set -a; . ${relative(root, setSecretFile)}; set +a)\n` +
      `NATS_URL=${url}\nNATS_USER=set-secret\nNATS_PASSWORD=${passwords[BUS_USERS['set-secret']]}\n`,
  );
  const serviceEnv = {};
  for (const [user, variable] of Object.entries(BUS_USERS))
    serviceEnv[user] = { NATS_USER: user, NATS_PASSWORD: passwords[variable] };
  const shown = relative(root, passwordsFile);
  return {
    url,
    serviceEnv,
    passwordsFileShown: shown && !shown.startsWith('..') ? shown : passwordsFile,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// `npm run try` (README "Try it without a phone") against the system started the way `npm start`
// starts it: scripts/start.mjs itself (the built-in Asterisk simulator, a generated admin password),
// on private ports, bus prefix and schema. The command must need no password typed, say clearly when
// npm start is not running, and work twice in a row.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { repoRoot, testUrls, uniqueName, waitFor } from '@sa/testkit';
import { cleanupPrefix } from '../src/index.js';

const prefix = uniqueName('try');
const workDir = mkdtempSync(join(tmpdir(), 'sa-try-'));
const tokenFile = join(workDir, 'local', 'admin-token');
const baseEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? workDir,
  NATS_URL: testUrls.nats,
  REDIS_URL: testUrls.redis,
  DATABASE_URL: testUrls.postgres,
  SA_BUS_PREFIX: prefix,
  SA_TRY_TOKEN_FILE: tokenFile,
};
// every port 0: the addresses come from npm start's "listening" lines
const startEnv = {
  ...baseEnv,
  DATABASE_SCHEMA: prefix,
  ADMIN_KEK_FILE: join(workDir, 'admin.kek'),
  ADMIN_PORT: '0',
  INGEST_PORT: '0',
  INGEST_HOST: '127.0.0.1',
  ADMIN_OPS_PORT: '0',
  AMI_BRIDGE_OPS_PORT: '0',
  ROUTER_OPS_PORT: '0',
  INGEST_OPS_PORT: '0',
};

let start: ChildProcess | undefined;
let startOutput = '';
let tryEnv: Record<string, string> = {};

function runTry(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'try'], { cwd: repoRoot, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const portOf = (line: string, key: string) => {
  const m = new RegExp(`${key} (?:https?://)?[^ ,]*:(\\d+)`).exec(line);
  assert.ok(m, `no ${key} address in: ${line}`);
  return m[1]!;
};

describe('npm run try', () => {
  before(async () => {
    start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: startEnv,
      stdio: 'pipe',
    });
    start.stdout!.on('data', (d) => {
      startOutput += d;
    });
    start.stderr!.on('data', (d) => {
      startOutput += d;
    });
    const plain = () => stripVTControlCharacters(startOutput);
    const listening = (name: string) =>
      plain()
        .split('\n')
        .find((l) => l.startsWith(name) && l.includes('listening:'));
    await waitFor(
      () =>
        ['admin', 'ami-bridge', 'router', 'ingest'].every(listening) &&
        /saved an admin API token|could not save/.test(plain()),
      { timeoutMs: 60_000, intervalMs: 100, what: `npm start to come up; it printed:\n${startOutput}` },
    );
    const admin = listening('admin')!;
    const ingest = listening('ingest')!;
    tryEnv = {
      ...baseEnv,
      ADMIN_PORT: portOf(admin, 'http'),
      ADMIN_OPS_PORT: portOf(admin, 'ops'),
      INGEST_PORT: portOf(ingest, 'udp'),
      INGEST_OPS_PORT: portOf(ingest, 'ops'),
      ROUTER_OPS_PORT: portOf(listening('router')!, 'ops'),
      AMI_BRIDGE_OPS_PORT: portOf(listening('ami-bridge')!, 'ops'),
    };
  });

  after(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start!.once('exit', r));
      start.kill('SIGTERM');
      await exited;
    }
    await cleanupPrefix(prefix);
    rmSync(workDir, { recursive: true, force: true });
  });

  test('given the admin password was generated, then npm start keeps an API token (not the password) for the try command, mode 0600', () => {
    const plain = stripVTControlCharacters(startOutput);
    assert.match(
      plain,
      /saved an admin API token \("npm-run-try"\) for `npm run try` in .*admin-token \(mode 0600\)/,
    );
    const password = /generated password (\S+)/.exec(plain)?.[1];
    assert.ok(password, 'admin printed the generated password once');
    assert.equal(plain.split(password).length - 1, 1, 'the password is printed exactly once');
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.match(token, /^sat_/);
    assert.equal((statSync(tokenFile).mode & 0o777).toString(8), '600');
    assert.equal((statSync(join(workDir, 'local')).mode & 0o777).toString(8), '700');
  });

  test('given npm start is not running, then the try command says so in one line naming npm start, exit 69', async () => {
    const nothing = String(await closedPort());
    const r = await runTry({
      ...tryEnv,
      ADMIN_PORT: nothing,
      ADMIN_OPS_PORT: nothing,
      INGEST_OPS_PORT: nothing,
      ROUTER_OPS_PORT: nothing,
      AMI_BRIDGE_OPS_PORT: nothing,
    });
    assert.equal(r.code, 69, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^✗ Smart Assistant is not running .*`npm start` in another terminal.*\n$/);
  });

  test('given npm start runs, then the try command provisions, reports three networks, and shows each decision and AstDB value; a second run changes nothing and shows the same', async () => {
    for (const run of [1, 2]) {
      const r = await runTry(tryEnv);
      assert.equal(r.code, 0, `run ${run}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.equal(r.stderr, '', `run ${run}`);
      const out = r.stdout;
      assert.match(out, /signed in with the API token npm start saved/);
      if (run === 1) assert.match(out, /\+ created device TRYPHONE000000000230 on extension 230/);
      else assert.match(out, /Provisioned through the admin API: everything was already there\./);
      assert.match(out, /free tier/);
      const steps = out.split(/\n(?=\d\. )/).slice(1);
      assert.equal(steps.length, 3, out);
      const expected = [
        ['At my desk', '230-Desk', '230', /location Office/],
        ['In a meeting', 'SMART-Conference', '801', /location Conference room/],
        ['Away', '230-Mobile', '0170123456', /unknown network "Cafe Guest".*default scenario "Away"/],
      ] as const;
      for (const [i, [scenario, name, dial, why]] of expected.entries()) {
        const step = steps[i]!;
        assert.match(step, new RegExp(`router decided: "${scenario}" -> ${name} \\(dials ${dial}\\)`));
        assert.match(step, new RegExp(`because: +.*${why.source}`));
        assert.match(
          step,
          new RegExp(
            `Asterisk AstDB: SMARTASSISTANT/230/target = ${dial}, SMARTASSISTANT/230/scenario = ${scenario}`,
          ),
        );
      }
      assert.match(out, /Done: three reports, three decisions, three AstDB writes/);
      assert.doesNotMatch(out, /generated password|sat_/, 'no secret is printed');
    }
  });

  test('given a token admin does not accept, then the try command says what to do in one line', async () => {
    const bogus = join(workDir, 'bogus-token');
    writeFileSync(bogus, 'sat_not-a-real-token\n', { mode: 0o600 });
    const r = await runTry({ ...tryEnv, SA_TRY_TOKEN_FILE: bogus });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^✗ admin at http:\/\/127\.0\.0\.1:\d+ refused the API token .*ADMIN_PASSWORD=.*\n$/,
    );
  });
});

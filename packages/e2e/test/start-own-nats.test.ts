// `npm start` without NATS_URL runs its own NATS with the shipped users and permissions
// (scripts/local-nats.mjs, deploy/nats/nats-server.conf): every service logs in as its own bus user,
// the passwords are generated once into a private file, nobody gets in without them, `npm run try`
// works against it, and stopping npm start stops that NATS too.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { connectNats, createLogger } from '@sa/platform';
import { portAnswers, repoRoot, testUrls, waitFor } from '@sa/testkit';
import pg from 'pg';

const id = `tstart${randomBytes(3).toString('hex')}`;
const workDir = mkdtempSync(join(tmpdir(), 'sa-start-nats-'));
const natsDir = join(workDir, 'local');
let natsPort = 0;
let start: ChildProcess | undefined;
let output = '';
const plain = () => stripVTControlCharacters(output);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const portOf = (name: string, key: string) => {
  const line = plain()
    .split('\n')
    .find((l) => l.startsWith(name) && l.includes('listening:'));
  const m = new RegExp(`${key} (?:https?://)?[^ ,]*:(\\d+)`).exec(line ?? '');
  assert.ok(m, `no ${key} address for ${name} in:\n${plain()}`);
  return m[1] as string;
};

describe('npm start with its own NATS', () => {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? workDir,
    SA_LOCAL_NATS_DIR: natsDir,
    REDIS_URL: testUrls.redis,
    DATABASE_URL: testUrls.postgres,
    ADMIN_PASSWORD: password,
    SA_TRY_TOKEN_FILE: join(workDir, 'admin-token'),
  };

  before(async () => {
    natsPort = await freePort();
    baseEnv.SA_LOCAL_NATS_PORT = String(natsPort);
    start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: {
        ...baseEnv,
        DATABASE_SCHEMA: id,
        REDIS_KEY_PREFIX: id,
        ADMIN_KEK_FILE: join(workDir, 'admin.kek'),
        ADMIN_PORT: '0',
        INGEST_PORT: '0',
        INGEST_HOST: '127.0.0.1',
        ADMIN_OPS_PORT: '0',
        AMI_BRIDGE_OPS_PORT: '0',
        ROUTER_OPS_PORT: '0',
        INGEST_OPS_PORT: '0',
      },
      stdio: 'pipe',
    });
    start.stdout?.on('data', (d) => {
      output += d;
    });
    start.stderr?.on('data', (d) => {
      output += d;
    });
    await waitFor(
      () =>
        ['admin', 'ami-bridge', 'router', 'ingest'].every((name) =>
          plain()
            .split('\n')
            .some((l) => l.startsWith(name) && l.includes('listening:')),
        ),
      { timeoutMs: 90_000, intervalMs: 100, what: `npm start to come up; it printed:\n${output}` },
    );
  });

  after(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start?.once('exit', r));
      start.kill('SIGTERM');
      await exited;
    }
    const db = new pg.Client({ connectionString: testUrls.postgres });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${id}" CASCADE`);
    await db.end();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('given no NATS_URL, when npm start runs, then it says so, keeps generated passwords private, and its NATS refuses a client without them', async () => {
    assert.match(
      plain(),
      new RegExp(`NATS: own server on nats://127\\.0\\.0\\.1:${natsPort} with the shipped users`),
    );
    assert.equal((statSync(natsDir).mode & 0o777).toString(8), '700');
    for (const file of ['nats.env', 'set-secret.env'])
      assert.equal((statSync(join(natsDir, file)).mode & 0o777).toString(8), '600', file);
    const passwords = readFileSync(join(natsDir, 'nats.env'), 'utf8');
    for (const user of ['ADMIN', 'INGEST', 'ROUTER', 'AMI_BRIDGE', 'SET_SECRET'])
      assert.match(passwords, new RegExp(`^SA_NATS_${user}_PASSWORD=p[0-9a-f]{48}$`, 'm'));
    for (const secret of passwords.matchAll(/=(p[0-9a-f]{48})$/gm))
      assert.ok(!output.includes(secret[1] as string), 'no password in the output');
    await assert.rejects(
      connectNats(`nats://127.0.0.1:${natsPort}`, 'stranger', createLogger('stranger', 'silent')),
      /refused the credentials/,
    );
    assert.doesNotMatch(plain(), /✗|exited/);
  });

  test('given npm start runs on its own NATS, when smart-set-secret uses .sa-local/set-secret.env and `npm run try` runs, then both work', async () => {
    const cliEnv = Object.fromEntries(
      [...readFileSync(join(natsDir, 'set-secret.env'), 'utf8').matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const cli = join(repoRoot, 'services', 'admin', 'dist', 'cli', 'smart-set-secret.js');
    const set = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'Qwertyuiop123456', '--overlap', '3600'], {
        env: { PATH: baseEnv.PATH, ...cliEnv },
      });
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
      });
      child.stderr.on('data', (d) => {
        text += d;
      });
      child.on('exit', (code) => resolve({ code, text }));
    });
    assert.equal(set.code, 0, set.text);

    const tryEnv = {
      ...baseEnv,
      ADMIN_PORT: portOf('admin', 'http'),
      ADMIN_OPS_PORT: portOf('admin', 'ops'),
      INGEST_PORT: portOf('ingest', 'udp'),
      INGEST_OPS_PORT: portOf('ingest', 'ops'),
      ROUTER_OPS_PORT: portOf('router', 'ops'),
      AMI_BRIDGE_OPS_PORT: portOf('ami-bridge', 'ops'),
    };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'try'], { cwd: repoRoot, env: tryEnv, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    assert.match(run.stdout, /AstDB/);
  });

  test('given npm start runs, when it is stopped, then its NATS stops too', async () => {
    const exited = new Promise((r) => start?.once('exit', r));
    start?.kill('SIGTERM');
    await exited;
    assert.equal(await portAnswers(natsPort), false, 'NATS port closed');
  });
});

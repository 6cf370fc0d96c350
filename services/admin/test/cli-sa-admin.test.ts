// Issue 14 (Trust): `sa-admin reset-password <account>` run as the real command (node_modules/.bin,
// the built CLI) in a child process against the real Postgres schema of a running admin.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@sa/testkit';
import { ADMIN_PASSWORD, type Harness, startHarness } from '../src/test-support/admin-harness.js';
import { DATABASE_URL } from '../src/test-support/pg.js';

const SA_ADMIN = join(repoRoot, 'node_modules', '.bin', 'sa-admin');

function saAdmin(
  h: Harness,
  args: string[],
  stdin?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SA_ADMIN, args, {
      env: { PATH: process.env.PATH, DATABASE_URL, DATABASE_SCHEMA: h.schema },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

async function login(h: Harness, password: string) {
  return h.call('POST', '/api/v1/auth/login', { username: 'admin', password }, { authorization: '' });
}

test('given a forgotten admin password, when sa-admin reset-password admin runs, then it prints a new password that signs in, and every session of admin ends', async () => {
  await using h = await startHarness({}, { start: false });
  const r = await saAdmin(h, ['reset-password', 'admin']);
  assert.equal(r.status, 0, r.stderr);
  const password = r.stdout.trim();
  assert.match(password, /^[A-Za-z0-9_-]{20}$/);
  assert.match(r.stderr, /account "admin" has a new password; 1 session\(s\) ended/);
  assert.ok(!r.stderr.includes(password), 'the password is printed once, on stdout');

  assert.equal((await h.call('GET', '/api/v1/auth/me')).status, 401, 'the old session ended');
  assert.equal((await login(h, ADMIN_PASSWORD)).status, 401);
  const ok = await login(h, password);
  assert.equal(ok.status, 200, ok.body);
  h.token = ok.json.token;
  const audit = await h.call('GET', '/api/v1/audit?entity=admin_account');
  const entry = audit.json.items.find((e: { action: string }) => e.action === 'reset_password');
  assert.match(entry.actor, /^cli:/);
  assert.deepEqual(entry.after, { username: 'admin', sessionsEnded: 1 });
  assert.ok(!audit.body.includes(password) && !h.logs.join('').includes(password));
});

test('given --password-stdin, when sa-admin reset-password runs, then the password from stdin is set and nothing is printed on stdout', async () => {
  await using h = await startHarness({}, { start: false });
  const r = await saAdmin(h, ['reset-password', 'admin', '--password-stdin'], 'chosen-password-77\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(!r.stderr.includes('chosen-password-77'));
  assert.equal((await login(h, 'chosen-password-77')).status, 200);

  const short = await saAdmin(h, ['reset-password', 'admin', '--password-stdin'], 'short\n');
  assert.equal(short.status, 1);
  assert.match(short.stderr, /at least 8 characters/);
});

test('given an unknown account, when sa-admin reset-password runs, then it exits 1 naming the account', async () => {
  await using h = await startHarness({}, { start: false });
  const r = await saAdmin(h, ['reset-password', 'nobody']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^sa-admin: no admin account named nobody\n$/);
});

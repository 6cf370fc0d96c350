import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { AccountsRepo } from './adapters/pg/accounts-repo.js';
import { ChangeRunner } from './adapters/pg/change-set.js';
import { verifyPassword } from './domain/credentials.js';
import { SecretBox } from './domain/secret-box.js';
import { ensureFirstAdmin } from './first-admin.js';
import { createTestSchema } from './test-support/pg.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('admin', 'debug', sink) };
}

test('given no account and no ADMIN_PASSWORD and no terminal, when admin starts, then the generated password is in a 0600 file whose path is logged, never in the log', async () => {
  await using db = await createTestSchema();
  const dir = mkdtempSync(join(tmpdir(), 'sa-first-admin-'));
  try {
    const accounts = new AccountsRepo(
      db.pg.pool,
      new ChangeRunner(db.pg.pool, new SecretBox(Buffer.alloc(32))),
    );
    const { lines, logger } = capture();
    await ensureFirstAdmin(accounts, { ADMIN_KEK_FILE: join(dir, 'admin.kek') }, logger, null);
    const file = join(dir, 'admin-initial-password');
    const password = readFileSync(file, 'utf8').trim();
    assert.match(password, /^[A-Za-z0-9_-]{20}$/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const admin = await accounts.findByUsername('admin');
    assert.equal(admin?.role, 'administrator');
    assert.ok(await verifyPassword(password, admin!.passwordHash));
    const log = lines.join('');
    assert.ok(!log.includes(password), 'the generated password reached the log');
    assert.match(log, new RegExp(`"event":"admin_password_file","file":"${file}"`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('given a terminal, when admin generates the first password, then it is shown there and no file is written', async () => {
  await using db = await createTestSchema();
  const dir = mkdtempSync(join(tmpdir(), 'sa-first-admin-'));
  try {
    const accounts = new AccountsRepo(
      db.pg.pool,
      new ChangeRunner(db.pg.pool, new SecretBox(Buffer.alloc(32))),
    );
    const { lines, logger } = capture();
    const shown: string[] = [];
    await ensureFirstAdmin(accounts, { ADMIN_KEK_FILE: join(dir, 'admin.kek') }, logger, (l) =>
      shown.push(l),
    );
    assert.equal(shown.length, 1);
    const password = /generated password (\S+)/.exec(shown[0]!)![1]!;
    assert.ok(!lines.join('').includes(password));
    assert.throws(() => statSync(join(dir, 'admin-initial-password')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

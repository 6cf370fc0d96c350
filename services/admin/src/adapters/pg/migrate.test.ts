import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestSchema } from '../../test-support/pg.js';

test('given a fresh schema, when migrated, then the audit log refuses updates and deletes', async () => {
  await using db = await createTestSchema();
  const { pool } = db.pg;
  await pool.query(
    `INSERT INTO audit_log (actor, action, entity, entity_id) VALUES ('t', 'create', 'x', '1')`,
  );
  await assert.rejects(pool.query(`UPDATE audit_log SET actor = 'evil'`), /append-only/);
  await assert.rejects(pool.query('DELETE FROM audit_log'), /append-only/);
  await assert.rejects(pool.query('TRUNCATE audit_log'), /append-only/);
  const { rows } = await pool.query('SELECT actor FROM audit_log');
  assert.deepEqual(rows, [{ actor: 't' }]);
});

test('given destination rows breaking the naming rule, when inserted directly, then the database refuses them', async () => {
  await using db = await createTestSchema();
  const { pool } = db.pg;
  await pool.query(`INSERT INTO extensions (extension) VALUES ('230')`);
  await pool.query(
    `INSERT INTO destinations (name, dial, scope, created_by) VALUES ('SMART-Desk', '230', 'generic', 't')`,
  );
  await assert.rejects(
    pool.query(
      `INSERT INTO destinations (name, dial, scope, extension, created_by) VALUES ('231-X', '1', 'specific', '230', 't')`,
    ),
    /check/,
  );
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { startHarness } from '../src/test-support/admin-harness.js';

const MYSQL = process.env.FREEPBX_TEST_URL ?? 'mysql://root@127.0.0.1:3306';

test('given FreePBX misc destinations, when imported, then SMART-* and <ext>-* become destinations and others are skipped', async () => {
  const db = `sa_freepbx_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ uri: MYSQL });
  try {
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(
      `CREATE TABLE ${db}.miscdests (id INT AUTO_INCREMENT PRIMARY KEY, description VARCHAR(100), destdial VARCHAR(100))`,
    );
    await conn.query(
      `INSERT INTO ${db}.miscdests (description, destdial) VALUES ('SMART-Desk', '230'), ('230-Mobile', '0170123#'), ('Voicemail', '*97'), ('SMART-Odd', '{core:voicemail}')`,
    );
    await using h = await startHarness({}, { start: false });
    const url = `${MYSQL}/${db}`;
    const dry = await h.call('POST', '/api/v1/import/freepbx', { url, dryRun: true });
    assert.equal(dry.status, 200, dry.body);
    assert.deepEqual(dry.json.created, ['SMART-Desk', '230-Mobile']);
    assert.equal((await h.call('GET', '/api/v1/destinations')).json.total, 0);
    const real = await h.call('POST', '/api/v1/import/freepbx', { url, dryRun: false });
    assert.deepEqual(real.json.created, ['SMART-Desk', '230-Mobile']);
    assert.deepEqual(
      real.json.skipped.map((s: { name: string }) => s.name),
      ['Voicemail', 'SMART-Odd'],
    );
    const list = await h.call('GET', '/api/v1/destinations');
    assert.deepEqual(
      list.json.items.map((d: { name: string; dial: string }) => `${d.name}=${d.dial}`),
      ['230-Mobile=0170123#', 'SMART-Desk=230'],
    );
    const again = await h.call('POST', '/api/v1/import/freepbx', { url, dryRun: false });
    assert.deepEqual(again.json.created, []);
    const down = await h.call('POST', '/api/v1/import/freepbx', {
      url: 'mysql://root@127.0.0.1:1/none',
      dryRun: true,
    });
    assert.equal(down.json.error.code, 'ADMIN_IMPORT_FAILED');
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn.end();
  }
});

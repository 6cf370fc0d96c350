// Issue 17 (privacy by design): the retention sweep deletes exactly the history older than the
// retention (an injected clock, explicit timestamps), in batches, and follows a changed setting.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { ChangeRunner } from '../src/adapters/pg/change-set.js';
import { SecretBox } from '../src/domain/secret-box.js';
import { PgCallHistory } from '../src/privacy/call-history-repo.js';
import { PgPresenceHistory } from '../src/privacy/presence-history-repo.js';
import { PgPrivacySettings } from '../src/privacy/retention-settings.js';
import { RetentionSweep } from '../src/privacy/retention-sweep.js';
import { createTestSchema } from '../src/test-support/pg.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

test('given history on both sides of the retention, when swept in small batches, then exactly the older rows go; a shorter retention set later deletes more', async () => {
  await using db = await createTestSchema();
  const pool = db.pg.pool;
  await pool.query("INSERT INTO extensions (extension) VALUES ('250'), ('251')");
  const changes = new ChangeRunner(pool, new SecretBox(randomBytes(32)));
  const presence = new PgPresenceHistory(pool, changes);
  const calls = new PgCallHistory(pool, changes);
  const settings = new PgPrivacySettings(pool, changes, 30);
  const cutoff = NOW - 30 * DAY;
  const ages = {
    old1: cutoff - 10 * DAY,
    old2: cutoff - 1000,
    old3: cutoff - 1,
    atCutoff: cutoff,
    young1: cutoff + 1000,
    young2: NOW - 20 * DAY,
    young3: NOW - DAY,
  };
  await presence.insert(
    Object.entries(ages).map(([placeName, atMs], i) => ({
      atMs,
      placeName,
      extension: i % 2 ? '250' : '251',
      deviceId: 'DEV25X',
    })),
  );
  await calls.insert(
    Object.entries(ages).map(([callId, atMs]) => ({
      atMs,
      callId,
      extension: '250',
      callerIdNum: '',
      targetDial: '',
      targetName: '',
      scenarioName: '',
      reason: '',
      fallback: false,
    })),
  );
  const swept: string[] = [];
  const sweep = new RetentionSweep({
    tables: { presence_history: presence, call_history: calls },
    retentionDays: async () => (await settings.get()).retentionDays,
    clock: () => NOW,
    intervalMs: 3_600_000,
    batchRows: 2, // three old rows: two statements, the second short
    logger: createLogger('t', 'silent'),
    onDeleted: (table, n) => void swept.push(`${table}:${n}`),
  });
  const kept = async () => {
    const p = [...(await presence.recent('250', 100)), ...(await presence.recent('251', 100))];
    const c = await calls.recent('250', 100);
    return { presence: p.map((e) => e.placeName).sort(), calls: c.map((e) => e.callId).sort() };
  };

  assert.deepEqual(await sweep.run(), { presence_history: 3, call_history: 3 });
  const young = ['atCutoff', 'young1', 'young2', 'young3'];
  assert.deepEqual(await kept(), { presence: young, calls: young });
  assert.deepEqual(swept, ['presence_history:3', 'call_history:3']);
  assert.deepEqual(await sweep.run(), { presence_history: 0, call_history: 0 }, 'nothing left to delete');

  await settings.put('admin:admin', 10);
  assert.deepEqual(await sweep.run(), { presence_history: 3, call_history: 3 });
  assert.deepEqual(await kept(), { presence: ['young3'], calls: ['young3'] });
  await sweep.stop();
  assert.equal(sweep.state, 'stopped');
});

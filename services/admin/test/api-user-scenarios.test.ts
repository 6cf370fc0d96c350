// An administrator and the user share a user's scenarios (issue 17): the admin API keeps ids (so a
// phone's explicit choice survives an edit), keeps who made each scenario, locks what it must, and
// shows the user's own places; the user's own-data rules then respect the lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { ChangeRunner } from '../src/adapters/pg/change-set.js';
import { permissionsFor } from '../src/domain/permissions.js';
import { SecretBox } from '../src/domain/secret-box.js';
import { OwnDataRepo } from '../src/own-data/own-data-repo.js';
import { startHarness } from '../src/test-support/admin-harness.js';
import { DATABASE_URL } from '../src/test-support/pg.js';

test("given a user-made scenario and an admin edit of the list, then ids and owners are kept, a lock holds against the user, and the user's places are listed", async () => {
  await using h = await startHarness();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${h.schema}` });
  try {
    await h.call('POST', '/api/v1/extensions', { extension: '240' });
    await h.call('POST', '/api/v1/extensions', { extension: '241' });
    const desk = (await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '200' })).json;
    const own = new OwnDataRepo(pool, new ChangeRunner(pool, new SecretBox(Buffer.alloc(32, 7))));
    const home = await own.savePlace('user:240', '240', {
      name: 'Home',
      ssid: 'Home',
      bssid: '02:00:00:00:00:01',
      match: 'ssid_and_bssid',
    });
    const mine = await own.saveScenario('user:240', '240', permissionsFor('free', false), {
      name: 'At home',
      targetId: desk.id,
      rules: [{ kind: 'location', locationId: home.id }],
    });

    const places = await h.call('GET', '/api/v1/users/240/places');
    assert.equal(places.status, 200, places.body);
    assert.deepEqual(
      places.json.items.map((p: { name: string }) => p.name),
      ['Home'],
    );
    assert.deepEqual(
      (await h.call('GET', '/api/v1/locations')).json.items,
      [],
      'a user place is not a shared location',
    );

    const put = await h.call('PUT', '/api/v1/users/240/scenarios', {
      scenarios: [
        { name: 'Front desk', destinationId: desk.id, rules: [], isDefault: true, locked: true },
        {
          id: mine.id,
          name: 'At home',
          destinationId: desk.id,
          rules: [{ kind: 'location', locationId: home.id }],
        },
      ],
    });
    assert.equal(put.status, 200, put.body);
    const items = put.json.items as { id: string; name: string; owner: string; locked: boolean }[];
    assert.deepEqual(
      items.map((s) => [s.name, s.owner, s.locked]),
      [
        ['Front desk', 'admin', true],
        ['At home', 'user', false],
      ],
    );
    assert.equal(items[1]!.id, mine.id, 'the id given is kept');

    const locked = items[0]!;
    await assert.rejects(own.deleteScenario('user:240', '240', locked.id), { code: 'ADMIN_SCENARIO_LOCKED' });
    await assert.rejects(
      own.saveScenario('user:240', '240', permissionsFor('free', false), {
        id: mine.id,
        name: 'At home',
        targetId: desk.id,
        rules: [],
        isDefault: true,
      }),
      { code: 'ADMIN_SCENARIO_LOCKED' },
    );

    const stolen = await h.call('PUT', '/api/v1/users/241/scenarios', {
      scenarios: [{ id: mine.id, name: 'Mine now', destinationId: desk.id, rules: [] }],
    });
    assert.equal(
      stolen.json.error?.code,
      'ADMIN_SCENARIO_INVALID',
      "another user's scenario id cannot be moved over",
    );
    const otherPlace = await h.call('PUT', '/api/v1/users/241/scenarios', {
      scenarios: [
        { name: 'There', destinationId: desk.id, rules: [{ kind: 'location', locationId: home.id }] },
      ],
    });
    assert.equal(
      otherPlace.json.error?.code,
      'ADMIN_SCENARIO_INVALID',
      "another user's place is no location of 241",
    );
    assert.equal((await h.call('GET', '/api/v1/users/240/scenarios')).json.items.length, 2);
  } finally {
    await pool.end();
  }
});

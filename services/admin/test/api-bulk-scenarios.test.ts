// POST /import/scenarios and GET /export/scenarios.csv: each listed user gets exactly the file's
// scenarios (destination and location by name), all users or none, and router's KV config follows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSnapshotBuckets } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import pg from 'pg';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';
import { DATABASE_URL } from '../src/test-support/pg.js';

const CSV = { 'content-type': 'text/csv' };
const importCsv = (h: Harness, kind: string, csv: string, dryRun = false) =>
  h.call('POST', `/api/v1/import/${kind}${dryRun ? '?dryRun=true' : ''}`, csv, CSV);

async function count(h: Harness, query: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${h.schema}` });
  try {
    return Number((await pool.query(query)).rows[0].n);
  } finally {
    await pool.end();
  }
}

/** Users 230 and 231, their desk and mobile destinations, a shared room, locations Office and Lab. */
async function office(h: Harness): Promise<void> {
  assert.equal((await importCsv(h, 'users', 'extension\n230\n231\n')).status, 200);
  const dests = await importCsv(
    h,
    'destinations',
    'name,dial\nSMART-Room,800\n230-Desk,230\n230-Mobile,+4917001\n231-Desk,231\n231-Mobile,+4917002\n',
  );
  assert.equal(dests.status, 200, dests.body);
  for (const [name, ssid] of [
    ['Office', 'corp'],
    ['Lab', 'lab'],
  ]) {
    const res = await h.call('POST', '/api/v1/locations', { name, ssids: [ssid], bssids: [] });
    assert.equal(res.status, 201, res.body);
  }
}

const FILE = [
  'extension,name,destination,location,isDefault,locked',
  '230,At my desk,230-Desk,Office,,',
  '230,In the lab,SMART-Room,Lab,no,yes',
  '230,Away,230-Mobile,,yes,',
  '231,Away,231-Mobile,,true,',
].join('\n');

type View = {
  id: string;
  name: string;
  destinationName: string;
  rules: { kind: string }[];
  isDefault: boolean;
  locked: boolean;
};

const scenariosOf = async (h: Harness, ext: string): Promise<View[]> =>
  (await h.call('GET', `/api/v1/users/${ext}/scenarios`)).json.items;

test('given a scenarios file, when imported, then each user has its scenarios in file order and router gets the config', async () => {
  await using h = await startHarness();
  await office(h);
  const res = await importCsv(h, 'scenarios', FILE);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(
    [res.json.rows, res.json.created, res.json.updated, res.json.unchanged],
    [4, 2, 0, 0],
    'counts are users',
  );
  const ann = await scenariosOf(h, '230');
  assert.deepEqual(
    ann.map((s) => [s.name, s.destinationName, s.rules.map((r) => r.kind).join(), s.isDefault, s.locked]),
    [
      ['At my desk', '230-Desk', 'location', false, false],
      ['In the lab', 'SMART-Room', 'location', false, true],
      ['Away', '230-Mobile', '', true, false],
    ],
  );
  assert.equal(
    await count(h, "SELECT count(*) AS n FROM audit_log WHERE entity = 'scenarios' AND action = 'create'"),
    2,
  );
  const c = await h.nats();
  const buckets = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  const config = await eventually(async () => {
    const e = await buckets.users.get('230');
    const u = e?.value.length ? decodeMessage(v1.UserConfig, e.value, 'UserConfig') : undefined;
    return u?.scenarios.length === 3 ? u : undefined;
  });
  assert.deepEqual(
    config.scenarios.map((s) => [s.name, s.target?.dial, s.isDefault]),
    [
      ['At my desk', '230', false],
      ['In the lab', '800', false],
      ['Away', '+4917001', true],
    ],
  );

  // the same file again: nothing changes; a changed user is replaced and keeps its ids by name
  const again = await importCsv(h, 'scenarios', FILE);
  assert.deepEqual([again.json.created, again.json.updated, again.json.unchanged], [0, 0, 2]);
  const edited = FILE.replace(
    '230,In the lab,SMART-Room,Lab,no,yes',
    '230,In the lab,SMART-Room,Office,no,no',
  );
  const update = await importCsv(h, 'scenarios', edited);
  assert.deepEqual([update.json.created, update.json.updated, update.json.unchanged], [0, 1, 1]);
  const after = await scenariosOf(h, '230');
  assert.deepEqual(
    after.map((s) => s.id),
    ann.map((s) => s.id),
    'a scenario the file names as before keeps its id (and an explicit choice of it)',
  );
  assert.equal(after[1]!.locked, false);

  // the export reads back as the file that made it
  const exported = await h.call('GET', '/api/v1/export/scenarios.csv');
  assert.equal(exported.status, 200);
  const roundTrip = await importCsv(h, 'scenarios', exported.body);
  assert.deepEqual([roundTrip.json.created, roundTrip.json.updated, roundTrip.json.unchanged], [0, 0, 2]);
});

test('given a scenarios file with rows a user may not have, when imported, then every problem is named and nothing is written', async () => {
  await using h = await startHarness({}, { start: false });
  await office(h);
  assert.equal((await importCsv(h, 'users', 'extension\n232\n')).status, 200);
  // 232 has a time-window scenario made in the console: a CSV row cannot hold it
  const dest = (await h.call('POST', '/api/v1/destinations', { name: '232-Desk', dial: '232' })).json;
  const put = await h.call('PUT', '/api/v1/users/232/scenarios', {
    scenarios: [
      {
        name: 'Office hours',
        destinationId: dest.id,
        rules: [{ kind: 'time_window', window: { start: '08:00', end: '17:00' } }],
      },
    ],
  });
  assert.equal(put.status, 200, put.body);
  const scenariosBefore = await count(h, 'SELECT count(*) AS n FROM scenarios');
  const auditBefore = await count(h, 'SELECT count(*) AS n FROM audit_log');
  const file = [
    'extension,name,destination,location,isDefault',
    '230,Desk,230-Desk,Office,',
    '230,Desk,230-Mobile,,', // the same name twice for one user
    '231,Borrowed,230-Desk,,', // another user's destination
    '231,Nowhere,231-Desk,Basement,', // no such location
    '231,Away,231-Mobile,,yes',
    '231,Away again,231-Desk,,yes', // a second default
    '299,Away,SMART-Room,,', // unknown extension
    '232,Away,SMART-Room,,', // stored rules a CSV cannot hold
    '233,Bad/name,SMART-Room,,', // not a scenario name
  ].join('\n');
  const res = await importCsv(h, 'scenarios', file);
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'ADMIN_IMPORT_ROWS_INVALID');
  assert.deepEqual(
    res.json.error.details.problems.map(
      (p: { line: number; column: string; message: string }) => `${p.line} ${p.column}: ${p.message}`,
    ),
    [
      '3 name: Desk appears again for extension 230 (first on line 2)',
      '4 destination: no destination 230-Desk usable by extension 231 (a shared SMART-… one, or one of 231-…)',
      "5 location: no location Basement (a shared location, or one of extension 231's own places)",
      '7 isDefault: extension 231 has a second default scenario (first on line 6)',
      '8 extension: extension 299 is not known (import it in the users file first)',
      `9 extension: extension 232's scenario "Office hours" has rules a CSV row cannot hold (time windows, an explicit choice, several locations): change this user's scenarios in the console or with PUT /users/232/scenarios`,
      '10 name: must start with a letter or digit and hold letters, digits, spaces and _ . ( ) - only (at most 64)',
    ],
  );
  assert.equal(await count(h, 'SELECT count(*) AS n FROM scenarios'), scenariosBefore, 'nothing written');
  assert.equal(await count(h, 'SELECT count(*) AS n FROM audit_log'), auditBefore);
  const exported = await h.call('GET', '/api/v1/export/scenarios.csv');
  assert.doesNotMatch(exported.body, /Office hours/, 'what a CSV cannot hold is not exported as if it could');
});

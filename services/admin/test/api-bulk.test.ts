import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSnapshotBuckets } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import pg from 'pg';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';
import { DATABASE_URL } from '../src/test-support/pg.js';

const CSV = { 'content-type': 'text/csv' };

async function sql<T = Record<string, unknown>>(
  h: Harness,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${h.schema}` });
  try {
    return (await pool.query(query, params)).rows as T[];
  } finally {
    await pool.end();
  }
}

/** Rows that a write leaves behind: entities, audit entries, outbox events. */
async function footprint(h: Harness) {
  const [row] = await sql<Record<string, number>>(
    h,
    `SELECT (SELECT count(*)::int FROM extensions) AS extensions, (SELECT count(*)::int FROM devices) AS devices,
            (SELECT count(*)::int FROM destinations) AS destinations, (SELECT count(*)::int FROM audit_log) AS audit,
            (SELECT count(*)::int FROM outbox) AS outbox`,
  );
  return row!;
}

const importCsv = (h: Harness, kind: string, csv: string, dryRun = false) =>
  h.call('POST', `/api/v1/import/${kind}${dryRun ? '?dryRun=true' : ''}`, csv, CSV);

test('given a devices file with bad rows, when dry-run, then each bad row is reported by line and column and nothing is written', async () => {
  await using h = await startHarness({}, { start: false });
  assert.equal(
    (await h.call('POST', '/api/v1/devices', { deviceId: 'TAKEN0001', extension: '231' })).status,
    201,
  );
  const before = await footprint(h);
  const csv = [
    'deviceId,extension,label,enabled',
    'GOOD00001,230,Reception,true',
    'GOOD00002,230,,',
    'GOOD00003,,Lobby,true',
    'BAD-ID,232,x,true',
    'GOOD00004,233,Desk,maybe',
    'GOOD00001,234,Again,true',
    'GOOD00005,235,Desk,true,extra',
    'TAKEN0001,236,Moved,true',
  ].join('\n');
  const res = await importCsv(h, 'devices', csv, true);
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'ADMIN_IMPORT_ROWS_INVALID');
  assert.match(res.json.error.message, /^6 problems in the file: line 4, column extension: required$/);
  const report = res.json.error.details;
  assert.equal(report.dryRun, true);
  assert.equal(report.rows, 8);
  assert.equal(report.problemCount, 6);
  assert.deepEqual(
    report.problems.map(
      (p: { line: number; column: string; message: string }) => `${p.line} ${p.column}: ${p.message}`,
    ),
    [
      '4 extension: required',
      '5 deviceId: must be 4-64 letters or digits',
      '6 enabled: "maybe" is not true or false',
      '7 deviceId: GOOD00001 appears again (first on line 2)',
      '8 : has 5 values; the header names 4 columns',
      '9 deviceId: already registered to 231 (move it on the Devices page or with PATCH /devices/TAKEN0001)',
    ],
  );
  assert.deepEqual(await footprint(h), before, 'a dry run writes nothing');
});

test('given a destinations file naming an unknown extension and a malformed name, when dry-run, then both are reported on the name column', async () => {
  await using h = await startHarness({}, { start: false });
  await h.call('POST', '/api/v1/extensions', { extension: '230' });
  const res = await importCsv(
    h,
    'destinations',
    'name,dial\nSMART-Desk,230\n230-Mobile,+49170123\n999-Mobile,0170\nDesk,1\n230-Fax,rm -rf\n',
    true,
  );
  assert.equal(res.status, 422, res.body);
  assert.deepEqual(res.json.error.details.problems, [
    { line: 4, column: 'name', message: 'extension 999 is not known (import it in the users file first)' },
    {
      line: 5,
      column: 'name',
      message: '"Desk" must be SMART-<Name> (generic) or <extension>-<Name> (specific)',
    },
    { line: 6, column: 'dial', message: 'may hold digits, letters and * # + / @ . _ - only' },
  ]);
  assert.equal(res.json.error.details.created, 2, 'the good rows would be created');
});

test('given one bad row among good ones, when really imported, then nothing at all is written and the report names the row', async () => {
  await using h = await startHarness({}, { start: false });
  const before = await footprint(h);
  const csv = `deviceId,extension\n${Array.from({ length: 50 }, (_, i) => `DEV${String(i).padStart(5, '0')},${300 + i}`).join('\n')}\nDEV99999,3x1\n`;
  const res = await importCsv(h, 'devices', csv);
  assert.equal(res.status, 422, res.body);
  assert.match(
    res.json.error.message,
    /nothing was written: line 52, column extension: must be 2-10 digits$/,
  );
  assert.equal(res.json.error.details.dryRun, false);
  assert.deepEqual(await footprint(h), before);

  // a row only the database can refuse: found inside the import's transaction, which rolls back
  assert.equal(
    (await h.call('POST', '/api/v1/devices', { deviceId: 'TAKEN0001', extension: '231' })).status,
    201,
  );
  const taken = await footprint(h);
  const moved = await importCsv(h, 'devices', csv.replace('DEV99999,3x1', 'TAKEN0001,300'));
  assert.equal(moved.status, 422, moved.body);
  assert.deepEqual(
    moved.json.error.details.problems.map((p: { line: number; column: string }) => `${p.line} ${p.column}`),
    ['52 deviceId'],
  );
  assert.equal(moved.json.error.details.created, 50);
  assert.deepEqual(await footprint(h), taken);
});

test('given users, destinations and devices files, when imported, then they are created with audit rows and their events reach the KV snapshot', async () => {
  await using h = await startHarness();
  const users = await importCsv(h, 'users', 'extension,displayName\n230,"Doe, John"\n231,Jane Roe\n');
  assert.equal(users.status, 200, users.body);
  assert.deepEqual(users.json, {
    kind: 'users',
    dryRun: false,
    rows: 2,
    created: 2,
    updated: 0,
    unchanged: 0,
    problems: [],
    problemCount: 0,
  });
  const dests = await importCsv(h, 'destinations', 'name,dial\nSMART-Desk,230\n230-Mobile,+49170123\n');
  assert.equal(dests.status, 200, dests.body);
  assert.equal(dests.json.created, 2);
  const devices = await importCsv(
    h,
    'devices',
    'deviceId,extension,label,enabled,allowCreateTargets\nPHONE0001,230,John,yes,no\nPHONE0002,232,New user,false,true\n',
  );
  assert.equal(devices.status, 200, devices.body);
  assert.equal(devices.json.created, 2);
  assert.equal(devices.json.extensionsCreated, 1, 'extension 232 is created as POST /devices would');

  const list = await h.call('GET', '/api/v1/devices');
  assert.deepEqual(
    list.json.items.map(
      (d: {
        deviceId: string;
        extension: string;
        enabled: boolean;
        allowCreateTargets: boolean;
        label: string;
      }) => [d.deviceId, d.extension, d.label, d.enabled, d.allowCreateTargets],
    ),
    [
      ['PHONE0001', '230', 'John', true, false],
      ['PHONE0002', '232', 'New user', false, true],
    ],
  );
  const exts = await h.call('GET', '/api/v1/extensions');
  assert.deepEqual(
    exts.json.items.map((e: { extension: string; displayName: string }) => [e.extension, e.displayName]),
    [
      ['230', 'Doe, John'],
      ['231', 'Jane Roe'],
      ['232', ''],
    ],
  );
  const audit = await sql<{ action: string; entity: string; entity_id: string; actor: string }>(
    h,
    "SELECT action, entity, entity_id, actor FROM audit_log WHERE entity IN ('device', 'bulk_import') ORDER BY id",
  );
  assert.deepEqual(
    audit.map((a) => `${a.actor} ${a.action} ${a.entity} ${a.entity_id}`),
    [
      'admin:admin import bulk_import users',
      'admin:admin import bulk_import destinations',
      'admin:admin create device PHONE0001',
      'admin:admin create device PHONE0002',
      'admin:admin enrol device PHONE0001',
      'admin:admin enrol device PHONE0002',
      'admin:admin import bulk_import devices',
    ],
  );

  const c = await h.nats();
  const buckets = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  const device = await eventually(async () => {
    const e = await buckets.devices.get('PHONE0002');
    return e?.value.length ? decodeMessage(v1.Device, e.value, 'Device') : undefined;
  });
  assert.equal(device.extension, '232');
  assert.equal(device.enabled, false);
  const user = await eventually(async () => {
    const e = await buckets.users.get('230');
    const u = e?.value.length ? decodeMessage(v1.UserConfig, e.value, 'UserConfig') : undefined;
    return u?.deviceIds.length ? u : undefined;
  });
  assert.deepEqual(user.deviceIds, ['PHONE0001']);
});

test('given an imported file, when imported again, then every row is unchanged and nothing is written; a changed row is updated', async () => {
  await using h = await startHarness({}, { start: false });
  const csv = 'deviceId,extension,label\nPHONE0001,230,Desk\nPHONE0002,230,Mobile\nPHONE0003,231,\n';
  assert.equal((await importCsv(h, 'devices', csv)).json.created, 3);
  const after = await footprint(h);
  const again = await importCsv(h, 'devices', csv);
  assert.equal(again.status, 200, again.body);
  assert.deepEqual(
    [again.json.created, again.json.updated, again.json.unchanged, again.json.extensionsCreated],
    [0, 0, 3, undefined],
  );
  assert.deepEqual(await footprint(h), after, 'no row, audit entry or event');

  // a device disabled by hand keeps its state when the file has no "enabled" column
  await h.call('PATCH', '/api/v1/devices/PHONE0003', { enabled: false });
  const changed = await importCsv(
    h,
    'devices',
    csv.replace('PHONE0002,230,Mobile', 'PHONE0002,230,Mobile 2'),
  );
  assert.deepEqual([changed.json.created, changed.json.updated, changed.json.unchanged], [0, 1, 2]);
  const d2 = await h.call('GET', '/api/v1/devices/PHONE0002');
  assert.equal(d2.json.label, 'Mobile 2');
  assert.equal((await h.call('GET', '/api/v1/devices/PHONE0003')).json.enabled, false);
  const [update] = await sql<{ before: { label: string }; after: { label: string } }>(
    h,
    "SELECT before, after FROM audit_log WHERE entity = 'device' AND action = 'update' AND entity_id = 'PHONE0002'",
  );
  assert.deepEqual([update?.before.label, update?.after.label], ['Mobile', 'Mobile 2']);
});

test('given users, destinations and devices, when exported and imported again, then the files round-trip unchanged', async () => {
  await using h = await startHarness({}, { start: false });
  await h.call('POST', '/api/v1/extensions', { extension: '230', displayName: 'Doe, John' });
  await h.call('POST', '/api/v1/devices', {
    deviceId: 'PHONE0001',
    extension: '230',
    label: '-front desk-',
    enabled: false,
    allowCreateTargets: true,
  });
  await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '230' });
  await h.call('POST', '/api/v1/destinations', { name: '230-Mobile', dial: '+49170123' });
  const exported: Record<string, string> = {};
  for (const kind of ['users', 'destinations', 'devices']) {
    const res = await h.call('GET', `/api/v1/export/${kind}.csv`);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['content-disposition'], `attachment; filename="${kind}.csv"`);
    exported[kind] = res.body;
  }
  assert.equal(exported.users, 'extension,displayName\n230,"Doe, John"\n');
  assert.equal(exported.destinations, "name,dial\n230-Mobile,'+49170123\nSMART-Desk,230\n");
  assert.equal(
    exported.devices,
    "deviceId,extension,label,enabled,allowCreateTargets,wifiMacs\nPHONE0001,230,'-front desk-,false,true,\n",
  );

  // into an empty installation: the same data
  await using fresh = await startHarness({}, { start: false });
  for (const kind of ['users', 'destinations', 'devices']) {
    const res = await importCsv(fresh, kind, exported[kind]!);
    assert.equal(res.status, 200, `${kind}: ${res.body}`);
    assert.equal((await fresh.call('GET', `/api/v1/export/${kind}.csv`)).body, exported[kind]);
  }
  const dev = (await fresh.call('GET', '/api/v1/devices/PHONE0001')).json;
  assert.equal(dev.label, '-front desk-');
  // and back into the original: nothing changes
  for (const kind of ['users', 'destinations', 'devices']) {
    const res = await importCsv(h, kind, exported[kind]!);
    assert.equal(res.json.unchanged, res.json.rows, `${kind}: ${res.body}`);
  }
});

test('given stored values a spreadsheet would run as formulas, when exported, then each such cell starts with an apostrophe', async () => {
  await using h = await startHarness({}, { start: false });
  await h.call('POST', '/api/v1/extensions', { extension: '230' });
  await h.call('POST', '/api/v1/extensions', { extension: '231' });
  // as if written by an older version or by hand: the API itself refuses these characters
  await sql(
    h,
    `UPDATE extensions SET display_name = '=HYPERLINK("http://evil.example","x")' WHERE extension = '230'`,
  );
  await sql(h, `UPDATE extensions SET display_name = '@SUM(1+1)' WHERE extension = '231'`);
  await h.call('POST', '/api/v1/destinations', { name: 'SMART-Cmd', dial: '-2+3' });
  const users = await h.call('GET', '/api/v1/export/users.csv');
  assert.equal(
    users.body,
    `extension,displayName\n230,"'=HYPERLINK(""http://evil.example"",""x"")"\n231,'@SUM(1+1)\n`,
  );
  assert.equal((await h.call('GET', '/api/v1/export/destinations.csv')).body, "name,dial\nSMART-Cmd,'-2+3\n");
});

test('given a file over 5 MB or over 50,000 rows, when imported, then it is refused with a clear error before anything is read', async () => {
  await using h = await startHarness({}, { start: false });
  const header = 'deviceId,extension,label\n';
  const line = `PHONE0001,230,${'x'.repeat(70)}\n`;
  const big = header + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length) + 10);
  const res = await importCsv(h, 'devices', big, true);
  assert.equal(res.status, 413, res.body);
  assert.equal(res.json.error.code, 'ADMIN_REQUEST_TOO_LARGE');
  assert.match(
    res.json.error.message,
    /^the CSV file is \d+ bytes; an import takes at most 5 MB \(5242880 bytes\)/,
  );
  const huge = await importCsv(h, 'devices', big + big.slice(header.length));
  assert.equal(huge.status, 413);
  assert.match(huge.json.error.message, /an import takes at most 5 MB/);
  const rows = `extension\n${Array.from({ length: 50_001 }, (_, i) => 100000 + i).join('\n')}\n`;
  const many = await importCsv(h, 'users', rows, true);
  assert.equal(many.status, 413, many.body);
  assert.equal(many.json.error.code, 'ADMIN_IMPORT_TOO_MANY_ROWS');
  assert.match(many.json.error.message, /more than 50000 rows/);
  assert.equal((await h.call('GET', '/api/v1/extensions')).json.total, 0);
});

test('given no session, a forged token or a JSON body, when importing or exporting, then the request is refused', async () => {
  await using h = await startHarness({}, { start: false });
  const token = h.token;
  for (const auth of [undefined, 'Bearer sas_forged-token-000000000']) {
    h.token = '';
    const headers: Record<string, string> = { ...CSV, ...(auth ? { authorization: auth } : {}) };
    const imp = await h.call('POST', '/api/v1/import/users', 'extension\n230\n', headers);
    assert.equal(imp.status, 401, imp.body);
    assert.equal(imp.json.error.code, 'ADMIN_AUTH_REQUIRED');
    const exp = await h.call(
      'GET',
      '/api/v1/export/users.csv',
      undefined,
      auth ? { authorization: auth } : {},
    );
    assert.equal(exp.status, 401);
  }
  h.token = token;
  assert.equal((await h.call('GET', '/api/v1/extensions')).json.total, 0);
  const json = await h.call('POST', '/api/v1/import/users', { extension: '230' });
  assert.equal(json.status, 400);
  assert.match(json.json.error.message, /send the CSV file as text\/csv/);
});

test('given a CSV sent as a multipart file field, when imported, then it is read like a text/csv body', async () => {
  await using h = await startHarness({}, { start: false });
  const boundary = '----sabulk';
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="users.csv"',
    'Content-Type: text/csv',
    '',
    'extension,displayName\r\n230,Doe\r\n',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const res = await h.call('POST', '/api/v1/import/users?dryRun=true', body, {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual([res.json.dryRun, res.json.created], [true, 1]);
  assert.equal((await h.call('GET', '/api/v1/extensions')).json.total, 0, 'dry run');
});

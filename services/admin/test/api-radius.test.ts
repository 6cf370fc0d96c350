// Issue 20 (presence without an app: RADIUS accounting), admin's side through the real admin
// (Postgres, NATS KV): accounting clients (access points) with a secret shown once and kept out of
// answers, logs and the audit log; the radius-clients bucket ingest reads; devices' Wi-Fi MACs
// (normalised, refused when malformed or another device's) in the API, the device snapshot and CSV;
// helpdesk refused. What ingest does with them: services/ingest (docs/radius.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRadiusClientsBucket, openSnapshotBuckets } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';

const A = 'RADIUSDEVA0001';
const B = 'RADIUSDEVB0002';

/** The AccountingClients in the bucket once `want` holds. */
async function bucketClients(
  h: Harness,
  want: (c: { name: string; secret: string; enabled: boolean; network: string; id: string }[]) => boolean,
) {
  const c = await h.nats();
  const bucket = await openRadiusClientsBucket(c.nc, busNames(h.prefix));
  return eventually(async () => {
    const e = await bucket.get('clients');
    if (!e?.value.length) return undefined;
    const msg = decodeMessage(v1.AccountingClients, e.value, 'AccountingClients');
    assert.equal(v1.AccountingClients.verify(msg), null);
    const clients = msg.clients.map((x) => ({
      id: x.id ?? '',
      name: x.name ?? '',
      network: x.network ?? '',
      enabled: x.enabled ?? false,
      secret: Buffer.from(x.secret ?? []).toString('utf8'),
    }));
    return want(clients) ? { clients, revision: Number(msg.revision) } : undefined;
  });
}

async function deviceSnapshot(h: Harness, deviceId: string, want: (macs: string[]) => boolean) {
  const c = await h.nats();
  const { devices } = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  return eventually(async () => {
    const e = await devices.get(deviceId);
    const d = e?.value.length ? decodeMessage(v1.Device, e.value, 'Device') : undefined;
    return d && want(d.wifiMacs) ? d : undefined;
  });
}

test('given an access point added without a secret, then a strong one is generated and shown once: never in a later answer, a log line or the audit log, and the bucket ingest reads carries it', async () => {
  await using h = await startHarness();
  const res = await h.call('POST', '/api/v1/accounting-clients', { name: 'AP lobby', network: '192.0.2.10' });
  assert.equal(res.status, 201, res.body);
  const secret: string = res.json.generatedSecret;
  assert.match(secret, /^[A-Za-z0-9]{24}$/);
  assert.deepEqual(Object.keys(res.json.client).sort(), [
    'createdAt',
    'enabled',
    'id',
    'name',
    'network',
    'updatedAt',
  ]);
  assert.equal(res.json.client.enabled, true);
  const id = res.json.client.id;

  const list = await h.call('GET', '/api/v1/accounting-clients');
  assert.equal(list.status, 200, list.body);
  assert.deepEqual(
    list.json.items.map((c: { name: string; network: string }) => [c.name, c.network]),
    [['AP lobby', '192.0.2.10']],
  );
  assert.equal(list.body.includes(secret), false, 'the list never shows a secret');
  assert.equal((await h.call('GET', `/api/v1/accounting-clients/${id}`)).body.includes(secret), false);

  const { clients } = await bucketClients(h, (c) => c.length === 1);
  assert.deepEqual(clients, [{ id, name: 'AP lobby', network: '192.0.2.10', enabled: true, secret }]);

  const audit = await h.call('GET', '/api/v1/audit?entity=accounting_client&limit=50');
  assert.equal(audit.status, 200, audit.body);
  assert.deepEqual(
    audit.json.items.map((a: { action: string }) => a.action),
    ['create'],
  );
  assert.equal(audit.body.includes(secret), false, 'the audit log has no secret');
  assert.equal(
    h.logs.some((l) => l.includes(secret)),
    false,
    'no log line has the secret',
  );
});

test('given a supplied secret, then it is never echoed; rotate-secret generates a new one shown once; edit, disable and delete reach the bucket, each audited without a secret', async () => {
  await using h = await startHarness();
  const supplied = 'correct-horse-battery-staple-42';
  const res = await h.call('POST', '/api/v1/accounting-clients', {
    name: 'Controller 1',
    network: '2001:DB8:0:0::/48',
    secret: supplied,
  });
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.generatedSecret, undefined);
  assert.equal(res.body.includes(supplied), false, 'a supplied secret is never echoed');
  assert.equal(res.json.client.network, '2001:db8::/48', 'stored in canonical form');
  const id = res.json.client.id;
  await bucketClients(h, (c) => c[0]?.secret === supplied);

  const rotated = await h.call('POST', `/api/v1/accounting-clients/${id}/rotate-secret`);
  assert.equal(rotated.status, 200, rotated.body);
  const fresh: string = rotated.json.generatedSecret;
  assert.match(fresh, /^[A-Za-z0-9]{24}$/);
  await bucketClients(h, (c) => c[0]?.secret === fresh);

  const edited = await h.call('PATCH', `/api/v1/accounting-clients/${id}`, {
    name: 'Controller A',
    network: '198.51.100.0/24',
    enabled: false,
  });
  assert.equal(edited.status, 200, edited.body);
  assert.equal(edited.json.enabled, false);
  const after = await bucketClients(h, (c) => c[0]?.enabled === false);
  assert.deepEqual(after.clients, [
    { id, name: 'Controller A', network: '198.51.100.0/24', enabled: false, secret: fresh },
  ]);

  const second = await h.call('POST', '/api/v1/accounting-clients', { name: 'AP 2', network: '192.0.2.20' });
  await bucketClients(h, (c) => c.length === 2);
  const removed = await h.call('DELETE', `/api/v1/accounting-clients/${id}`);
  assert.equal(removed.status, 204, removed.body);
  const last = await bucketClients(h, (c) => c.length === 1);
  assert.equal(last.clients[0]!.name, 'AP 2');
  assert.equal(last.clients[0]!.secret, second.json.generatedSecret);

  const audit = await h.call('GET', '/api/v1/audit?entity=accounting_client&limit=50');
  assert.deepEqual(
    audit.json.items.map((a: { action: string }) => a.action),
    ['delete', 'create', 'update', 'rotate_secret', 'create'],
  );
  for (const s of [supplied, fresh, second.json.generatedSecret]) {
    assert.equal(audit.body.includes(s), false, 'no secret in the audit log');
    assert.equal(
      h.logs.some((l) => l.includes(s)),
      false,
      'no secret in a log line',
    );
  }
});

test('given bad accounting-client input, then each is refused with a code naming the field', async () => {
  await using h = await startHarness();
  for (const network of ['192.0.2.300', '192.0.2.5/24', '10.0.0.0/33', 'ap.example.org', '2001:db8::/129']) {
    const res = await h.call('POST', '/api/v1/accounting-clients', { name: 'AP', network });
    assert.equal(res.status, 422, `${network}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_NETWORK_INVALID');
    assert.equal(res.json.error.details.field, 'network');
    assert.match(res.json.error.message, /^network: /);
  }
  const short = await h.call('POST', '/api/v1/accounting-clients', {
    name: 'AP',
    network: '192.0.2.1',
    secret: 'short',
  });
  assert.equal(short.status, 400, short.body);
  assert.equal(short.json.error.code, 'ADMIN_REQUEST_INVALID');
  assert.equal(short.json.error.details.field, 'body.secret');

  assert.equal(
    (await h.call('POST', '/api/v1/accounting-clients', { name: 'AP', network: '192.0.2.1' })).status,
    201,
  );
  const twice = await h.call('POST', '/api/v1/accounting-clients', { name: 'AP', network: '192.0.2.2' });
  assert.equal(twice.status, 409, twice.body);
  assert.equal(twice.json.error.code, 'ADMIN_ACCOUNTING_CLIENT_EXISTS');
  assert.equal(twice.json.error.details.field, 'name');

  const missing = '00000000-0000-4000-8000-000000000000';
  for (const [method, url, body] of [
    ['GET', `/api/v1/accounting-clients/${missing}`, undefined],
    ['PATCH', `/api/v1/accounting-clients/${missing}`, { enabled: false }],
    ['POST', `/api/v1/accounting-clients/${missing}/rotate-secret`, undefined],
    ['DELETE', `/api/v1/accounting-clients/${missing}`, undefined],
  ] as const) {
    const res = await h.call(method, url, body);
    assert.equal(res.status, 404, `${method} ${url}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_ACCOUNTING_CLIENT_NOT_FOUND');
  }
  const badPatch = await h.call('PATCH', `/api/v1/accounting-clients/${missing}`, { network: 'nope' });
  assert.equal(badPatch.json.error.code, 'ADMIN_NETWORK_INVALID');
});

test('given Wi-Fi MACs in any usual spelling, then the device stores them lower-case with colons, shows them and its snapshot carries them; a MAC-only device is registered as any other', async () => {
  await using h = await startHarness();
  const res = await h.call('POST', '/api/v1/devices', {
    deviceId: A,
    extension: '240',
    wifiMacs: ['AA-BB-CC-DD-EE-01', 'aabbccddee02', 'AABB.CCDD.EE03', 'aa:bb:cc:dd:ee:01'],
  });
  assert.equal(res.status, 201, res.body);
  assert.deepEqual(res.json.wifiMacs, ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02', 'aa:bb:cc:dd:ee:03']);
  assert.equal(res.json.keyMode, 'device_key', 'keyMode stays as today');
  assert.deepEqual((await h.call('GET', `/api/v1/devices/${A}`)).json.wifiMacs, res.json.wifiMacs);
  const snap = await deviceSnapshot(h, A, (m) => m.length === 3);
  assert.deepEqual(snap.wifiMacs, res.json.wifiMacs);
  assert.equal(v1.Device.verify(snap), null);

  const patched = await h.call('PATCH', `/api/v1/devices/${A}`, { wifiMacs: ['AA:BB:CC:DD:EE:09'] });
  assert.equal(patched.status, 200, patched.body);
  assert.deepEqual(patched.json.wifiMacs, ['aa:bb:cc:dd:ee:09']);
  await deviceSnapshot(h, A, (m) => m.join() === 'aa:bb:cc:dd:ee:09');
  const label = await h.call('PATCH', `/api/v1/devices/${A}`, { label: 'Kept' });
  assert.deepEqual(label.json.wifiMacs, ['aa:bb:cc:dd:ee:09'], 'a patch without wifiMacs keeps them');
  const cleared = await h.call('PATCH', `/api/v1/devices/${A}`, { wifiMacs: [] });
  assert.deepEqual(cleared.json.wifiMacs, []);
  await deviceSnapshot(h, A, (m) => m.length === 0);

  const audit = await h.call('GET', `/api/v1/audit?entity=device&limit=50`);
  assert.match(audit.body, /aa:bb:cc:dd:ee:09/, 'MAC changes are audited');
});

test('given a malformed, multicast or broadcast MAC, or one on another device, then it is refused naming it (422 / 409 naming that device) and nothing changes', async () => {
  await using h = await startHarness();
  assert.equal(
    (
      await h.call('POST', '/api/v1/devices', {
        deviceId: A,
        extension: '240',
        wifiMacs: ['02:00:00:00:00:0a'],
      })
    ).status,
    201,
  );
  for (const [mac, why] of [
    ['aa:bb:cc:dd:ee', /not a MAC address/],
    ['aa:bb-cc:dd:ee:ff', /not a MAC address/],
    ['gg:bb:cc:dd:ee:ff', /not a MAC address/],
    ['ff:ff:ff:ff:ff:ff', /broadcast/],
    ['01:00:5e:00:00:fb', /multicast/],
    ['33-33-00-00-00-01', /multicast/],
  ] as const) {
    const res = await h.call('POST', '/api/v1/devices', {
      deviceId: B,
      extension: '241',
      wifiMacs: ['02:00:00:00:00:0b', mac],
    });
    assert.equal(res.status, 422, `${mac}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_WIFI_MAC_INVALID');
    assert.deepEqual(res.json.error.details, { field: 'wifiMacs', index: 1, value: mac });
    assert.match(res.json.error.message, why);
    assert.match(res.json.error.message, /^wifiMacs\[1\]: /);
  }
  assert.equal((await h.call('GET', `/api/v1/devices/${B}`)).status, 404, 'nothing was registered');

  const taken = await h.call('POST', '/api/v1/devices', {
    deviceId: B,
    extension: '241',
    wifiMacs: ['02-00-00-00-00-0A'],
  });
  assert.equal(taken.status, 409, taken.body);
  assert.equal(taken.json.error.code, 'ADMIN_WIFI_MAC_IN_USE');
  assert.deepEqual(taken.json.error.details, { field: 'wifiMacs', mac: '02:00:00:00:00:0a', deviceId: A });
  assert.match(taken.json.error.message, new RegExp(`02:00:00:00:00:0a already belongs to device ${A}`));

  assert.equal((await h.call('POST', '/api/v1/devices', { deviceId: B, extension: '241' })).status, 201);
  const patch = await h.call('PATCH', `/api/v1/devices/${B}`, { label: 'x', wifiMacs: ['02000000000a'] });
  assert.equal(patch.status, 409, patch.body);
  assert.equal(patch.json.error.details.deviceId, A);
  assert.equal((await h.call('GET', `/api/v1/devices/${B}`)).json.label, '', 'the patch was not applied');
  // the device itself may be given its own MAC again
  const own = await h.call('PATCH', `/api/v1/devices/${A}`, {
    wifiMacs: ['02:00:00:00:00:0A', '0200.0000.000c'],
  });
  assert.deepEqual(own.json.wifiMacs, ['02:00:00:00:00:0a', '02:00:00:00:00:0c']);
  // once the device is deleted, its MACs are free
  assert.equal((await h.call('DELETE', `/api/v1/devices/${A}`)).status, 204);
  const freed = await h.call('PATCH', `/api/v1/devices/${B}`, { wifiMacs: ['02:00:00:00:00:0a'] });
  assert.equal(freed.status, 200, freed.body);
});

test('given devices exported with MACs, when the file is imported again (MACs in other spellings, one moved between devices), then it round-trips; a bad or taken MAC is a problem by line and column', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', {
    deviceId: A,
    extension: '240',
    wifiMacs: ['02:00:00:00:00:01', '02:00:00:00:00:02'],
  });
  await h.call('POST', '/api/v1/devices', { deviceId: B, extension: '241' });
  const exported = await h.call('GET', '/api/v1/export/devices.csv');
  assert.equal(exported.status, 200, exported.body);
  const lines = exported.body.trim().split('\n');
  assert.equal(lines[0], 'deviceId,extension,label,enabled,allowCreateTargets,wifiMacs');
  assert.equal(lines[1], `${A},240,,true,false,02:00:00:00:00:01 02:00:00:00:00:02`);
  assert.equal(lines[2], `${B},241,,true,false,`);

  const same = await h.call('POST', '/api/v1/import/devices?dryRun=true', exported.body, {
    'content-type': 'text/csv',
  });
  assert.equal(same.status, 200, same.body);
  assert.deepEqual([same.json.created, same.json.updated, same.json.unchanged], [0, 0, 2]);

  // A gives 02:00:00:00:00:02 up to B; B's MACs in two spellings separated by ';'
  const moved = `deviceId,extension,wifiMacs\n${A},240,02-00-00-00-00-01\n${B},241,"0200.0000.0002; 02000000000F"\n`;
  const imp = await h.call('POST', '/api/v1/import/devices', moved, { 'content-type': 'text/csv' });
  assert.equal(imp.status, 200, imp.body);
  assert.deepEqual([imp.json.created, imp.json.updated, imp.json.unchanged], [0, 2, 0]);
  assert.deepEqual((await h.call('GET', `/api/v1/devices/${A}`)).json.wifiMacs, ['02:00:00:00:00:01']);
  assert.deepEqual((await h.call('GET', `/api/v1/devices/${B}`)).json.wifiMacs, [
    '02:00:00:00:00:02',
    '02:00:00:00:00:0f',
  ]);
  await deviceSnapshot(h, B, (m) => m.length === 2);
  const again = await h.call('GET', '/api/v1/export/devices.csv');
  assert.match(again.body, new RegExp(`${B},241,,true,false,02:00:00:00:00:02 02:00:00:00:00:0f`));

  const bad = `deviceId,extension,wifiMacs\n${A},240,ff:ff:ff:ff:ff:ff\nNEWDEVICE0001,242,02:00:00:00:00:0f\nNEWDEVICE0002,243,02:00:00:00:00:77\nNEWDEVICE0003,244,02:00:00:00:00:77\n`;
  const refused = await h.call('POST', '/api/v1/import/devices', bad, { 'content-type': 'text/csv' });
  assert.equal(refused.status, 422, refused.body);
  assert.equal(refused.json.error.code, 'ADMIN_IMPORT_ROWS_INVALID');
  assert.deepEqual(
    refused.json.error.details.problems.map((p: { line: number; column: string; message: string }) => [
      p.line,
      p.column,
      p.message,
    ]),
    [
      [2, 'wifiMacs', '"ff:ff:ff:ff:ff:ff" is the broadcast address, not a device\'s'],
      [3, 'wifiMacs', `02:00:00:00:00:0f already belongs to device ${B}`],
      [5, 'wifiMacs', '02:00:00:00:00:77 is given to NEWDEVICE0002 on line 4 too'],
    ],
  );
  assert.equal((await h.call('GET', '/api/v1/devices/NEWDEVICE0002')).status, 404, 'nothing was written');
  // a file without the column keeps the stored MACs
  const noColumn = await h.call(
    'POST',
    '/api/v1/import/devices',
    `deviceId,extension,label\n${B},241,Desk\n`,
    {
      'content-type': 'text/csv',
    },
  );
  assert.equal(noColumn.status, 200, noColumn.body);
  assert.deepEqual((await h.call('GET', `/api/v1/devices/${B}`)).json.wifiMacs, [
    '02:00:00:00:00:02',
    '02:00:00:00:00:0f',
  ]);
});

test("given a helpdesk account, then the accounting-client routes are 403 and it may not change a device's MACs (enabled only)", async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: A, extension: '240', wifiMacs: ['02:00:00:00:00:01'] });
  const ap = (await h.call('POST', '/api/v1/accounting-clients', { name: 'AP', network: '192.0.2.1' })).json
    .client;
  const created = await h.call('POST', '/api/v1/accounts', { username: 'desk', role: 'helpdesk' });
  assert.equal(created.status, 201, created.body);
  const login = await h.call(
    'POST',
    '/api/v1/auth/login',
    { username: 'desk', password: created.json.generatedPassword },
    { authorization: '' },
  );
  const as = { authorization: `Bearer ${login.json.token}` };
  for (const [method, url, body] of [
    ['GET', '/api/v1/accounting-clients', undefined],
    ['POST', '/api/v1/accounting-clients', { name: 'Rogue', network: '0.0.0.0/0' }],
    ['GET', `/api/v1/accounting-clients/${ap.id}`, undefined],
    ['PATCH', `/api/v1/accounting-clients/${ap.id}`, { enabled: false }],
    ['POST', `/api/v1/accounting-clients/${ap.id}/rotate-secret`, undefined],
    ['DELETE', `/api/v1/accounting-clients/${ap.id}`, undefined],
    ['PATCH', `/api/v1/devices/${A}`, { wifiMacs: [] }],
    ['PATCH', `/api/v1/devices/${A}`, { enabled: false, wifiMacs: ['02:00:00:00:00:02'] }],
  ] as const) {
    const res = await h.call(method, url, body, as);
    assert.equal(res.status, 403, `${method} ${url}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_FORBIDDEN');
  }
  assert.equal((await h.call('PATCH', `/api/v1/devices/${A}`, { enabled: false }, as)).status, 200);
  const device = (await h.call('GET', `/api/v1/devices/${A}`, undefined, as)).json;
  assert.deepEqual(device.wifiMacs, ['02:00:00:00:00:01'], 'helpdesk sees the MACs, unchanged');
  assert.equal((await h.call('GET', '/api/v1/accounting-clients')).json.items.length, 1);
});

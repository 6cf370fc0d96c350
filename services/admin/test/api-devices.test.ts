import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHarness } from '../src/test-support/admin-harness.js';

const DEV = 'ABCDEFGHIJ0123456789';

test('given an admin, when a device is registered with a premium licence, then it is listed with tier and permissions', async () => {
  await using h = await startHarness();
  const created = await h.call('POST', '/api/v1/devices', {
    deviceId: DEV,
    extension: '230',
    allowCreateTargets: true,
    licence: h.licence(DEV, 'premium'),
  });
  assert.equal(created.status, 201, created.body);
  assert.equal(created.json.tier, 'premium');
  assert.equal(created.json.permissions.createTargets, true);
  const list = await h.call('GET', '/api/v1/devices?extension=23&limit=10');
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.json.items.map((d: { deviceId: string }) => d.deviceId),
    [DEV],
  );
  const none = await h.call('GET', '/api/v1/devices?extension=9');
  assert.deepEqual(none.json.items, []);
});

test('given a registered device, when the same id is registered again, then 409 ADMIN_DEVICE_EXISTS and nothing else changes', async () => {
  await using h = await startHarness();
  assert.equal((await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' })).status, 201);
  const dup = await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '231' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'ADMIN_DEVICE_EXISTS');
  const exts = await h.call('GET', '/api/v1/extensions');
  assert.deepEqual(
    exts.json.items.map((e: { extension: string }) => e.extension),
    ['230'],
  );
});

test('given a licence for another device, when registering, then ADMIN_LICENCE_WRONG_DEVICE and the device is not created', async () => {
  await using h = await startHarness();
  const res = await h.call('POST', '/api/v1/devices', {
    deviceId: DEV,
    extension: '230',
    licence: h.licence('OTHER1234', 'premium'),
  });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.code, 'ADMIN_LICENCE_WRONG_DEVICE');
  assert.match(res.json.error.message, /OTHER1234/);
  assert.equal((await h.call('GET', `/api/v1/devices/${DEV}`)).status, 404);
  assert.equal((await h.call('GET', '/api/v1/extensions')).json.total, 0);
});

test('given a device, when an expired or forged licence is uploaded, then each is refused with its own code', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  const expired = await h.call('PUT', `/api/v1/devices/${DEV}/licence`, {
    licence: h.licence(DEV, 'premium', '2020-01-01'),
  });
  assert.equal(expired.json.error.code, 'ADMIN_LICENCE_EXPIRED');
  const forged = JSON.parse(h.licence(DEV, 'free'));
  forged.payload = Buffer.from(
    JSON.stringify({ deviceId: DEV, tier: 'premium', expiresAt: '2099-01-01' }),
  ).toString('base64');
  const bad = await h.call('PUT', `/api/v1/devices/${DEV}/licence`, { licence: JSON.stringify(forged) });
  assert.equal(bad.json.error.code, 'ADMIN_LICENCE_BAD_SIGNATURE');
  const ok = await h.call('PUT', `/api/v1/devices/${DEV}/licence`, {
    licenceBase64: Buffer.from(h.licence(DEV, 'standard')).toString('base64'),
  });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.json.tier, 'standard');
});

test('given a device, when the licence is uploaded as a multipart file, then the tier changes', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  const boundary = '----satest';
  const body = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="lic-${DEV}.lic"`,
    'Content-Type: application/octet-stream',
    '',
    h.licence(DEV, 'premium'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const res = await h.call('PUT', `/api/v1/devices/${DEV}/licence`, body, {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.tier, 'premium');
});

test('given destinations, when names follow or break the rules, then generic/specific are created and bad ones refused', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  const generic = await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '230' });
  assert.equal(generic.status, 201, generic.body);
  assert.equal(generic.json.scope, 'generic');
  const specific = await h.call('POST', '/api/v1/destinations', { name: '230-Mobile', dial: '0049301234#' });
  assert.equal(specific.status, 201, specific.body);
  assert.equal(specific.json.extension, '230');
  const unknownExt = await h.call('POST', '/api/v1/destinations', { name: '999-Mobile', dial: '1' });
  assert.equal(unknownExt.json.error.code, 'ADMIN_EXTENSION_UNKNOWN');
  const badName = await h.call('POST', '/api/v1/destinations', { name: 'Desk', dial: '1' });
  assert.equal(badName.json.error.code, 'ADMIN_DESTINATION_NAME_INVALID');
  assert.equal(badName.json.error.details.field, 'name');
  const list = await h.call('GET', '/api/v1/destinations?extension=230');
  assert.deepEqual(list.json.items.map((d: { name: string }) => d.name).sort(), ['230-Mobile', 'SMART-Desk']);
});

test('given scenarios referencing a location and destinations, when replaced, then they are returned in order', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  const desk = (await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '230' })).json;
  const mobile = (await h.call('POST', '/api/v1/destinations', { name: '230-Mobile', dial: '0170' })).json;
  const office = await h.call('POST', '/api/v1/locations', {
    name: 'Office',
    ssids: ['CorpWiFi'],
    bssids: ['AA:BB:CC:DD:EE:FF'],
  });
  assert.equal(office.status, 201, office.body);
  assert.deepEqual(office.json.bssids, ['aa:bb:cc:dd:ee:ff']);
  const put = await h.call('PUT', '/api/v1/users/230/scenarios', {
    scenarios: [
      {
        name: 'At desk',
        destinationId: desk.id,
        rules: [
          {
            kind: 'location',
            locationId: office.json.id,
            window: { start: '08:00', end: '18:00', weekdays: [1, 2, 3, 4, 5] },
          },
        ],
      },
      { name: 'Away', destinationId: mobile.id, rules: [], isDefault: true },
    ],
  });
  assert.equal(put.status, 200, put.body);
  assert.deepEqual(
    put.json.items.map((s: { name: string }) => s.name),
    ['At desk', 'Away'],
  );
  const inUse = await h.call('DELETE', `/api/v1/destinations/${desk.id}`);
  assert.equal(inUse.json.error.code, 'ADMIN_DESTINATION_IN_USE');
  const badRef = await h.call('PUT', '/api/v1/users/230/scenarios', {
    scenarios: [{ name: 'X', destinationId: '00000000-0000-4000-8000-000000000000', rules: [] }],
  });
  assert.equal(badRef.json.error.code, 'ADMIN_SCENARIO_INVALID');
  assert.equal((await h.call('GET', '/api/v1/users/230/scenarios')).json.items.length, 2);
});

test('given changes, when the audit log is read, then it lists who did what with before/after, newest first', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230' });
  await h.call('PATCH', `/api/v1/devices/${DEV}`, { enabled: false });
  const audit = await h.call('GET', '/api/v1/audit?entity=device&limit=1');
  assert.equal(audit.status, 200, audit.body);
  assert.equal(audit.json.items[0].action, 'update');
  assert.equal(audit.json.items[0].actor, 'admin:admin');
  assert.equal(audit.json.items[0].before.enabled, true);
  assert.equal(audit.json.items[0].after.enabled, false);
  const next = await h.call('GET', `/api/v1/audit?entity=device&limit=2&cursor=${audit.json.nextCursor}`);
  assert.deepEqual(
    next.json.items.map((a: { action: string }) => a.action),
    ['enrol', 'create'],
    'a new device is enrolled with its own key in the same change',
  );
  assert.deepEqual(Object.keys(next.json.items[0].after).sort(), ['keyId', 'overlapSeconds'], 'no secret');
});

test('given a device, when its QR code is requested, then it carries server, port, key id and knock sequence but no key', async () => {
  await using h = await startHarness({ PUBLIC_HOST: 'pbx.example.org', PUBLIC_PORT: '8080' });
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230', keyMode: 'server_key' });
  const json = await h.call('GET', `/api/v1/devices/${DEV}/qr?format=json`);
  assert.equal(json.status, 200, json.body);
  const url = new URL(json.json.payload);
  assert.equal(url.searchParams.get('host'), 'pbx.example.org');
  assert.equal(url.searchParams.get('keyId'), '1');
  assert.equal(url.searchParams.get('knock'), '30000,30500,31000');
  assert.ok(!json.body.includes('1234567890123456'));
  const png = await h.call('GET', `/api/v1/devices/${DEV}/qr`);
  assert.equal(png.headers['content-type'], 'image/png');
  const svg = await h.call('GET', `/api/v1/devices/${DEV}/qr?format=svg`);
  assert.match(svg.body, /<svg/);
});

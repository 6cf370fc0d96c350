// Per-device enrolment through the real admin (Postgres, NATS KV): a new device gets its own key,
// shown once; re-enrol with an overlap, revoke, the device-keys bucket ingest reads, a bulk import,
// and the server keys turned off for good. What ingest does with them: services/ingest/test/key-rotation.test.ts,
// all of it together: packages/e2e/test/enrolment.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnrolment } from '@sa/phone-protocol';
import { openDeviceKeysBucket, openSnapshotBuckets } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';

const A = 'ENROLA0123456789';
const B = 'ENROLB0123456789';

async function deviceKeysOf(h: Harness, deviceId: string, want: (ids: number[]) => boolean) {
  const c = await h.nats();
  const bucket = await openDeviceKeysBucket(c.nc, busNames(h.prefix));
  return eventually(async () => {
    const e = await bucket.get(deviceId);
    const ids = e?.value.length
      ? decodeMessage(v1.DeviceKeys, e.value, 'DeviceKeys').keys.map((k) => k.keyId ?? 0)
      : [];
    return want(ids) ? ids : undefined;
  });
}

test('given a device registered without keyMode, then it is enrolled: the answer carries its payload once, the device list says device_key, and only its key id is shown again', async () => {
  await using h = await startHarness({
    PUBLIC_HOST: 'pbx.example.org',
    PUBLIC_HOST_ALTERNATES: '192.0.2.10',
  });
  const res = await h.call('POST', '/api/v1/devices', { deviceId: A, extension: '230' });
  assert.equal(res.status, 201, res.body);
  const enrolment = parseEnrolment(res.json.enrolment.payload);
  assert.equal(enrolment.deviceId, A);
  assert.equal(enrolment.extension, '230');
  assert.deepEqual(enrolment.hosts, ['pbx.example.org', '192.0.2.10']);
  assert.equal(enrolment.keyId, res.json.activeKeyId);
  assert.match(enrolment.secret, /^[A-Za-z0-9]{16}$/);
  assert.match(res.json.enrolment.dataUrl, /^data:image\/png;base64,/);
  assert.equal(res.json.keyMode, 'device_key');

  const again = await h.call('GET', `/api/v1/devices/${A}`);
  assert.equal(again.json.keyMode, 'device_key');
  assert.equal(again.body.includes(enrolment.secret), false, 'the secret is never shown again');
  const keys = await h.call('GET', `/api/v1/devices/${A}/keys`);
  assert.deepEqual(
    keys.json.items.map((k: { keyId: number; state: string }) => [k.keyId, k.state]),
    [[enrolment.keyId, 'active']],
  );
  const audit = await h.call('GET', '/api/v1/audit?entity=device&limit=50');
  assert.equal(audit.body.includes(enrolment.secret), false, 'the audit log has no secret');
  assert.equal(
    h.logs.some((l) => l.includes(enrolment.secret)),
    false,
    'no log line has the secret',
  );
  assert.deepEqual(await deviceKeysOf(h, A, (ids) => ids.length === 1), [enrolment.keyId]);
  const c = await h.nats();
  const { devices } = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  const snapshot = await eventually(async () => {
    const e = await devices.get(A);
    return e?.value.length ? decodeMessage(v1.Device, e.value, 'Device') : undefined;
  });
  assert.equal(snapshot.enrolled, true);
});

test('given an enrolled device, when re-enrolled with an overlap, then both keys are accepted until it ends; when revoked, then none is and the device stays enrolled', async () => {
  await using h = await startHarness();
  const first = (await h.call('POST', '/api/v1/devices', { deviceId: A, extension: '230' })).json.enrolment;
  const re = await h.call('POST', `/api/v1/devices/${A}/enrol`, { overlapSeconds: 600 });
  assert.equal(re.status, 200, re.body);
  const second = parseEnrolment(re.json.enrolment.payload);
  assert.notEqual(second.keyId, first.keyId);
  assert.notEqual(second.secret, parseEnrolment(first.payload).secret);
  const states = (await h.call('GET', `/api/v1/devices/${A}/keys`)).json.items.map(
    (k: { keyId: number; state: string }) => [k.keyId, k.state],
  );
  assert.deepEqual(states, [
    [second.keyId, 'active'],
    [first.keyId, 'retiring'],
  ]);
  assert.deepEqual(
    (await deviceKeysOf(h, A, (ids) => ids.length === 2)).sort((a, b) => a - b),
    [first.keyId, second.keyId],
  );

  const revoked = await h.call('POST', `/api/v1/devices/${A}/revoke-keys`);
  assert.equal(revoked.status, 200, revoked.body);
  assert.deepEqual(revoked.json.revokedKeyIds, [first.keyId, second.keyId]);
  assert.equal(revoked.json.device.keyMode, 'device_key');
  assert.equal(revoked.json.device.activeKeyId, null);
  assert.deepEqual(await deviceKeysOf(h, A, (ids) => ids.length === 0), []);
  const actions = (await h.call('GET', '/api/v1/audit?entity=device&limit=50')).json.items.map(
    (a: { action: string }) => a.action,
  );
  assert.deepEqual(actions.slice(0, 3), ['revoke_keys', 'enrol', 'enrol']);
});

test('given a server-key device, when enrolled, then it moves to device_key; a device that does not exist is 404', async () => {
  await using h = await startHarness();
  const res = await h.call('POST', '/api/v1/devices', {
    deviceId: B,
    extension: '231',
    keyMode: 'server_key',
  });
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.enrolment, undefined);
  assert.equal(res.json.keyMode, 'server_key');
  const onServer = await h.call('GET', '/api/v1/devices?keyMode=server_key');
  assert.deepEqual(
    onServer.json.items.map((d: { deviceId: string }) => d.deviceId),
    [B],
  );
  const enrolled = await h.call('POST', `/api/v1/devices/${B}/enrol`, {});
  assert.equal(enrolled.status, 200, enrolled.body);
  assert.equal(enrolled.json.device.keyMode, 'device_key');
  assert.equal((await h.call('GET', '/api/v1/devices?keyMode=server_key')).json.items.length, 0);
  const missing = await h.call('POST', '/api/v1/devices/NOSUCHDEVICE1/enrol', {});
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'ADMIN_DEVICE_NOT_FOUND');
});

test('given devices imported from CSV, then each new one is enrolled and the report carries its payload once; an enrolment sheet re-issues keys with one QR code each', async () => {
  await using h = await startHarness();
  const csv = `deviceId,extension,label\n${A},230,Desk\n${B},231,Mobile\n`;
  const imp = await h.call('POST', '/api/v1/import/devices', csv, { 'content-type': 'text/csv' });
  assert.equal(imp.status, 200, imp.body);
  const payloads = imp.json.enrolments.map((e: { payload: string }) => parseEnrolment(e.payload));
  assert.deepEqual(
    payloads.map((p: { deviceId: string; extension: string }) => [p.deviceId, p.extension]),
    [
      [A, '230'],
      [B, '231'],
    ],
  );
  const audit = await h.call('GET', '/api/v1/audit?limit=50');
  for (const p of payloads) assert.equal(audit.body.includes(p.secret), false, 'no secret in the audit log');

  const sheet = await h.call('POST', '/api/v1/devices/enrolment-sheet', { deviceIds: [B, A] });
  assert.equal(sheet.status, 200, sheet.body);
  assert.deepEqual(
    sheet.json.items.map((i: { deviceId: string; label: string }) => [i.deviceId, i.label]),
    [
      [A, 'Desk'],
      [B, 'Mobile'],
    ],
  );
  for (const item of sheet.json.items) {
    assert.match(item.dataUrl, /^data:image\/png;base64,/);
    const p = parseEnrolment(item.payload);
    assert.notEqual(p.keyId, payloads.find((x: { deviceId: string }) => x.deviceId === p.deviceId).keyId);
  }
});

test('given devices still on the server key, when the server keys are turned off, then it is refused unless forced; once off, no server key can be added or used for a new device', async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: B, extension: '231', keyMode: 'server_key' });
  assert.deepEqual((await h.call('GET', '/api/v1/keys/server-keys')).json, {
    serverKeysDisabled: false,
    devicesOnServerKey: 1,
  });
  const unconfirmed = await h.call('POST', '/api/v1/keys/server-keys/disable', { confirm: 'yes' });
  assert.equal(unconfirmed.status, 400, unconfirmed.body);
  const refused = await h.call('POST', '/api/v1/keys/server-keys/disable', {
    confirm: 'turn off server keys',
  });
  assert.equal(refused.status, 409);
  assert.equal(refused.json.error.code, 'ADMIN_SERVER_KEY_IN_USE');
  assert.match(refused.json.error.message, /1 devices still use the server key/);

  const off = await h.call('POST', '/api/v1/keys/server-keys/disable', {
    confirm: 'turn off server keys',
    force: true,
  });
  assert.equal(off.status, 200, off.body);
  const keys = (await h.call('GET', '/api/v1/keys')).json.items;
  assert.ok(keys.every((k: { state: string }) => k.state === 'retired'));
  const c = await h.nats();
  const { keys: ring } = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  await eventually(async () => {
    const e = await ring.get('ring');
    const msg = e?.value.length ? decodeMessage(v1.KeyRingChanged, e.value, 'KeyRingChanged') : undefined;
    return msg?.serverKeysDisabled && msg.keys.length === 0 ? msg : undefined;
  });
  const rotate = await h.call('POST', '/api/v1/keys/rotate', { overlapSeconds: 0 });
  assert.equal(rotate.status, 409);
  assert.equal(rotate.json.error.code, 'ADMIN_SERVER_KEYS_DISABLED');
  const serverKeyDevice = await h.call('POST', '/api/v1/devices', {
    deviceId: A,
    extension: '230',
    keyMode: 'server_key',
  });
  assert.equal(serverKeyDevice.status, 409);
  assert.equal(serverKeyDevice.json.error.details.field, 'keyMode');
  assert.equal((await h.call('POST', '/api/v1/devices', { deviceId: A, extension: '230' })).status, 201);
});

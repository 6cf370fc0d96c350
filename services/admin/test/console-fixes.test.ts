// Issue 15, console fixes, over real Postgres and NATS: the board shows a device on an unknown
// network (router's DeviceReported), the device list shows last seen and online/offline, the users
// API searches for the Scenarios page's picker, and an empty required field reads "<field>: required".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { eventually, type Harness, startHarness } from '../src/test-support/admin-harness.js';
import { deviceReported } from '../src/test-support/device-reported.js';

const HOME = 'D15HOME0000000000001';
const OFFICE = 'D15OFFICE00000000002';
const SILENT = 'D15SILENT00000000003';

async function publish(h: Harness, subject: string, data: Uint8Array): Promise<void> {
  const c = await h.nats();
  c.nc.publish(subject, data);
  await c.nc.flush();
}

test('given router decided "no presence reported yet", when a phone reports a network no location knows, then the board lists the device with its network, time and the new reason (issue 15)', async () => {
  await using h = await startHarness();
  const names = busNames(h.prefix);
  await publish(
    h,
    names.scenarioChanged('230'),
    encodeMessage(
      v1.ScenarioChanged,
      v1.ScenarioChanged.create({
        extension: '230',
        scenarioId: 'away',
        scenarioName: 'Away',
        targetDial: '0170230',
        targetName: '230-Mobile',
        reason: 'no presence reported yet; default scenario "Away"',
        decidedAtMs: Date.now() - 60_000,
        version: 1,
      }),
      'ScenarioChanged',
    ),
  );
  await eventually(async () =>
    (await h.call('GET', '/api/v1/presence')).json.items.length ? true : undefined,
  );
  const reportedAtMs = Date.now();
  const reason = `device ${HOME} connected to SSID HomeNet, no rule matched; default scenario "Away"`;
  await publish(
    h,
    names.deviceReported('230'),
    deviceReported({
      deviceId: HOME,
      extension: '230',
      reportedAtMs,
      ssid: 'HomeNet',
      bssid: 'de:ad:be:ef:00:01',
      reason,
    }),
  );
  const user = await eventually(async () => {
    const [u] = (await h.call('GET', '/api/v1/presence')).json.items;
    return u?.devices?.length ? u : undefined;
  });
  assert.equal(user.extension, '230');
  assert.equal(user.scenarioName, 'Away');
  assert.equal(
    user.reason,
    reason,
    'the reason router gave after the report, not "no presence reported yet"',
  );
  assert.deepEqual(user.devices, [
    {
      deviceId: HOME,
      presence: 'online',
      reportedAt: new Date(reportedAtMs).toISOString(),
      onlineUntil: new Date(reportedAtMs + 120_000).toISOString(),
      network: { ssid: 'HomeNet', bssid: 'de:ad:be:ef:00:01', rssiDbm: -50 },
      location: '',
      scenarioName: 'Away',
      reason,
    },
  ]);
  assert.deepEqual((await h.call('GET', '/api/v1/board')).json, { items: [user] });
});

test('given a user router never announced a change for, when its phone reports, then the board lists the user with that device', async () => {
  await using h = await startHarness();
  await publish(
    h,
    busNames(h.prefix).deviceReported('231'),
    deviceReported({ deviceId: OFFICE, extension: '231', reportedAtMs: Date.now(), reason: 'on no Wi-Fi' }),
  );
  const user = await eventually(async () => (await h.call('GET', '/api/v1/presence')).json.items[0]);
  assert.equal(user.extension, '231');
  assert.equal(user.reason, 'on no Wi-Fi');
  assert.equal(user.devices[0].deviceId, OFFICE);
  assert.equal(user.devices[0].network, null);
});

test("given devices that reported recently, too long ago and never, when listed, then each shows when it was last seen and online, offline or unknown by router's presence timeout (issue 15)", async () => {
  await using h = await startHarness();
  for (const deviceId of [HOME, OFFICE, SILENT])
    assert.equal((await h.call('POST', '/api/v1/devices', { deviceId, extension: '230' })).status, 201);
  const names = busNames(h.prefix);
  const now = Date.now();
  await publish(
    h,
    names.deviceReported('230'),
    deviceReported({ deviceId: HOME, extension: '230', reportedAtMs: now, ssid: 'HomeNet', reason: 'r1' }),
  );
  // router's timeout is 5 s and the report is 6 s old: offline
  await publish(
    h,
    names.deviceReported('230'),
    deviceReported({
      deviceId: OFFICE,
      extension: '230',
      reportedAtMs: now - 6000,
      ssid: 'Corp',
      locationName: 'Office',
      reason: 'r2',
      presenceTimeoutMs: 5000,
    }),
  );
  const items = await eventually(async () => {
    const list = (await h.call('GET', '/api/v1/devices?limit=10')).json.items;
    return list.filter((d: { lastSeenAt: string | null }) => d.lastSeenAt).length === 2 ? list : undefined;
  });
  const byId = Object.fromEntries(
    items.map((d: { deviceId: string; lastSeenAt: string | null; presence: string }) => [
      d.deviceId,
      [d.lastSeenAt, d.presence],
    ]),
  );
  assert.deepEqual(byId, {
    [HOME]: [new Date(now).toISOString(), 'online'],
    [OFFICE]: [new Date(now - 6000).toISOString(), 'offline'],
    [SILENT]: [null, 'unknown'],
  });
  const one = (await h.call('GET', `/api/v1/devices/${HOME}`)).json;
  assert.equal(one.presence, 'online');
  assert.equal(one.lastSeenAt, new Date(now).toISOString());
  const patched = (await h.call('PATCH', `/api/v1/devices/${OFFICE}`, { label: 'desk phone' })).json;
  assert.equal(patched.presence, 'offline');
});

test("given a device that was online, when router's presence timeout passes without a report, then the list shows it offline", async () => {
  await using h = await startHarness();
  await h.call('POST', '/api/v1/devices', { deviceId: HOME, extension: '230' });
  await publish(
    h,
    busNames(h.prefix).deviceReported('230'),
    deviceReported({
      deviceId: HOME,
      extension: '230',
      reportedAtMs: Date.now(),
      reason: 'r',
      presenceTimeoutMs: 1500,
    }),
  );
  const presenceOf = async () => (await h.call('GET', '/api/v1/devices')).json.items[0].presence;
  await eventually(async () => ((await presenceOf()) === 'online' ? true : undefined));
  await eventually(async () => ((await presenceOf()) === 'offline' ? true : undefined), 5000);
});

test('given users with names, when searched by part of a name or the start of an extension, then the matches are listed (the Scenarios page picker)', async () => {
  await using h = await startHarness();
  for (const [extension, displayName] of [
    ['230', 'Alice Martin'],
    ['231', 'Bob Alison'],
    ['330', 'Carol x_y'],
    ['2300', ''],
  ] as const)
    assert.equal((await h.call('POST', '/api/v1/extensions', { extension, displayName })).status, 201);
  const search = async (q: string) => {
    const r = await h.call('GET', `/api/v1/extensions?limit=10&q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.body);
    return [r.json.items.map((e: { extension: string }) => e.extension), r.json.total];
  };
  assert.deepEqual(await search('ali'), [['230', '231'], 2]);
  assert.deepEqual(await search('23'), [['230', '2300', '231'], 3]);
  assert.deepEqual(await search('x_y'), [['330'], 1]);
  assert.deepEqual(await search('e_m'), [[], 0], '_ is not a wildcard ("Alice Martin")');
  assert.deepEqual(await search(' carol '), [['330'], 1]);
  const paged = (await h.call('GET', '/api/v1/extensions?limit=1&offset=1&q=23')).json;
  assert.deepEqual([paged.items[0].extension, paged.total], ['2300', 3]);
});

test('given an empty or missing required field, when any form of the console is sent, then the API says "<field>: required" (issue 15)', async () => {
  await using h = await startHarness();
  const cases: [string, string, unknown, string][] = [
    ['POST', '/api/v1/devices', { deviceId: '', extension: '230' }, 'body.deviceId: required'],
    ['POST', '/api/v1/devices', { deviceId: HOME, extension: '' }, 'body.extension: required'],
    ['POST', '/api/v1/devices', { deviceId: HOME }, 'body.extension: required'],
    ['POST', '/api/v1/extensions', { extension: '  ' }, 'body.extension: required'],
    ['POST', '/api/v1/destinations', { name: '', dial: '200' }, 'body.name: required'],
    ['POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '' }, 'body.dial: required'],
    ['POST', '/api/v1/locations', { name: '', ssids: ['Corp'] }, 'body.name: required'],
    ['POST', '/api/v1/tokens', { name: '' }, 'body.name: required'],
    [
      'PUT',
      '/api/v1/users/230/scenarios',
      { scenarios: [{ name: '', destinationId: '00000000-0000-4000-8000-000000000000', rules: [] }] },
      'body.scenarios.0.name: required',
    ],
    [
      'PUT',
      '/api/v1/users/230/scenarios',
      { scenarios: [{ name: 'Office', destinationId: '', rules: [] }] },
      'body.scenarios.0.destinationId: required',
    ],
    ['POST', '/api/v1/auth/login', { username: 'admin', password: '' }, 'body.password: required'],
  ];
  for (const [method, url, body, message] of cases) {
    const r = await h.call(method, url, body);
    assert.equal(r.status, 400, `${method} ${url} ${JSON.stringify(body)}: ${r.body}`);
    assert.equal(r.json.error.code, 'ADMIN_REQUEST_INVALID');
    assert.equal(r.json.error.message, message, `${method} ${url} ${JSON.stringify(body)}`);
    assert.equal(r.json.error.details.field, message.replace(/: required$/, ''));
  }
  // malformed is not missing; an optional field left empty is fine or malformed, never "required"
  const bad = await h.call('POST', '/api/v1/devices', { deviceId: 'a b', extension: '230' });
  assert.match(bad.json.error.message, /^body\.deviceId: must match pattern/);
  const optional = await h.call('POST', '/api/v1/devices', { deviceId: HOME, extension: '230', label: '' });
  assert.equal(optional.status, 201, optional.body);
  const zone = await h.call('PUT', '/api/v1/users/230/scenarios', {
    scenarios: [
      {
        name: 'Office',
        destinationId: '00000000-0000-4000-8000-000000000000',
        rules: [{ kind: 'time_window', window: { start: '08:00', end: '18:00', timeZone: '' } }],
      },
    ],
  });
  assert.doesNotMatch(zone.json.error.message, /required/);
});

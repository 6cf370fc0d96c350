// Issue 14 (Trust): a state-changing request a browser sends from a page of another origin is
// refused with 403 ADMIN_CROSS_ORIGIN before it is authenticated or its body is read; the same
// request from the console's own origin, or from a client that is not a browser page, works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Harness, startHarness } from '../src/test-support/admin-harness.js';

const DEVICE = 'ORIGINDEVICE01';
const HOST = '192.168.1.10:8081';
const CROSS = { origin: 'http://192.168.1.10:9000', 'sec-fetch-site': 'same-site', host: HOST };
const CROSS_OLD_BROWSER = { origin: 'http://evil.example', host: HOST };
const SAME = { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin', host: HOST };

function multipartLicence(h: Harness): { body: string; headers: Record<string, string> } {
  const boundary = '----salicence';
  const body = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="lic-${DEVICE}.lic"`,
    'Content-Type: application/octet-stream',
    '',
    h.licence(DEVICE, 'premium'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

test('given a multipart licence upload, when a page of another origin sends it, then 403 ADMIN_CROSS_ORIGIN and no licence; from the same origin it is stored', async () => {
  await using h = await startHarness({}, { start: false });
  assert.equal((await h.call('POST', '/api/v1/devices', { deviceId: DEVICE, extension: '230' })).status, 201);
  const upload = multipartLicence(h);
  for (const headers of [CROSS, CROSS_OLD_BROWSER, { ...CROSS, 'sec-fetch-site': 'cross-site' }]) {
    const res = await h.call('PUT', `/api/v1/devices/${DEVICE}/licence`, upload.body, {
      ...upload.headers,
      ...headers,
    });
    assert.equal(res.status, 403, res.body);
    assert.equal(res.json.error.code, 'ADMIN_CROSS_ORIGIN');
    assert.match(res.json.error.message, /refused/);
  }
  assert.equal((await h.call('GET', `/api/v1/devices/${DEVICE}`)).json.licence, null);

  const same = await h.call('PUT', `/api/v1/devices/${DEVICE}/licence`, upload.body, {
    ...upload.headers,
    ...SAME,
  });
  assert.equal(same.status, 200, same.body);
  assert.equal(same.json.tier, 'premium');
  const oldBrowser = await h.call('POST', `/api/v1/devices/${DEVICE}/licence`, upload.body, {
    ...upload.headers,
    origin: `http://${HOST}`,
    host: HOST,
  });
  assert.equal(oldBrowser.status, 200, 'Origin equal to the console origin, no Sec-Fetch-Site');
  assert.ok(h.logs.some((l) => l.includes('"event":"cross_origin_refused"')));
});

test('given a session, when a page of another origin posts logout, then 403 and the session stays; a same-origin logout ends it', async () => {
  await using h = await startHarness({}, { start: false });
  const cookie = { cookie: `sa_session=${h.token}`, authorization: '' };
  const cross = await h.call('POST', '/api/v1/auth/logout', undefined, { ...cookie, ...CROSS });
  assert.equal(cross.status, 403, cross.body);
  assert.equal(cross.json.error.code, 'ADMIN_CROSS_ORIGIN');
  assert.equal((await h.call('GET', '/api/v1/auth/me', undefined, cookie)).status, 200, 'still signed in');

  const same = await h.call('POST', '/api/v1/auth/logout', undefined, { ...cookie, ...SAME });
  assert.equal(same.status, 204, same.body);
  assert.equal((await h.call('GET', '/api/v1/auth/me', undefined, cookie)).status, 401);
});

test('given no Origin and no Sec-Fetch-Site (curl, CLI, API token), when changing something, then it works; a cross-site GET is not refused', async () => {
  await using h = await startHarness({}, { start: false });
  const created = await h.call('POST', '/api/v1/devices', { deviceId: DEVICE, extension: '230' });
  assert.equal(created.status, 201, created.body);
  const read = await h.call('GET', '/api/v1/devices', undefined, CROSS);
  assert.equal(read.status, 200);
  const login = await h.call(
    'POST',
    '/api/v1/auth/login',
    { username: 'admin', password: 'whatever-1' },
    { ...CROSS, authorization: '' },
  );
  assert.equal(login.json.error.code, 'ADMIN_CROSS_ORIGIN', 'login from another origin is refused too');
});

test('given a trusted proxy that terminates TLS, when the browser sends only Origin (https), then X-Forwarded-Proto/-Host make it the same origin', async () => {
  await using h = await startHarness({ ADMIN_TRUSTED_PROXIES: '127.0.0.1' }, { start: false });
  const headers = {
    origin: 'https://admin.example.com',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'admin.example.com',
  };
  const res = await h.call('POST', '/api/v1/devices', { deviceId: DEVICE, extension: '230' }, headers);
  assert.equal(res.status, 201, res.body);
  await using untrusted = await startHarness({}, { start: false });
  const refused = await untrusted.call(
    'POST',
    '/api/v1/devices',
    { deviceId: DEVICE, extension: '230' },
    headers,
  );
  assert.equal(refused.status, 403, 'X-Forwarded-* from an untrusted peer are ignored');
});

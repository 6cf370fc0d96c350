// Issue 14 (Trust): admin accounts through the API: own password change, roles (helpdesk default
// deny), account management with the last-administrator rule, and the audit log without secrets.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { HELPDESK_ROUTES } from '../src/adapters/http/role-check.js';
import { ADMIN_PASSWORD, type Harness, startHarness } from '../src/test-support/admin-harness.js';

const DEVICE = 'HELPDESKDEV0001';

async function login(h: Harness, username: string, password: string): Promise<string> {
  const res = await h.call('POST', '/api/v1/auth/login', { username, password }, { authorization: '' });
  assert.equal(res.status, 200, res.body);
  return res.json.token;
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function createAccount(h: Harness, username: string, role: string): Promise<string> {
  const res = await h.call('POST', '/api/v1/accounts', { username, role });
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.account.role, role);
  assert.match(res.json.generatedPassword, /^[A-Za-z0-9_-]{20}$/);
  return res.json.generatedPassword;
}

async function auditText(h: Harness): Promise<string> {
  const res = await h.call('GET', '/api/v1/audit?entity=admin_account&limit=200');
  assert.equal(res.status, 200, res.body);
  return res.body;
}

test('given two sessions of admin, when admin changes the password in one, then the other ends and this one stays', async () => {
  await using h = await startHarness({}, { start: false });
  const other = await login(h, 'admin', ADMIN_PASSWORD);

  const wrong = await h.call('POST', '/api/v1/auth/password', {
    currentPassword: 'not-the-password',
    newPassword: 'new-password-456',
  });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.code, 'ADMIN_PASSWORD_WRONG');
  assert.equal(wrong.json.error.details.field, 'currentPassword');

  const short = await h.call('POST', '/api/v1/auth/password', {
    currentPassword: ADMIN_PASSWORD,
    newPassword: 'short',
  });
  assert.equal(short.status, 400);
  assert.equal(short.json.error.details.field, 'body.newPassword');

  const changed = await h.call('POST', '/api/v1/auth/password', {
    currentPassword: ADMIN_PASSWORD,
    newPassword: 'new-password-456',
  });
  assert.equal(changed.status, 200, changed.body);
  assert.equal(changed.json.sessionsEnded, 1);
  assert.equal((await h.call('GET', '/api/v1/auth/me')).status, 200, 'the changing session stays');
  assert.equal((await h.call('GET', '/api/v1/auth/me', undefined, as(other))).status, 401);
  const old = await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(old.status, 401);
  await login(h, 'admin', 'new-password-456');

  const audit = await auditText(h);
  assert.match(audit, /"action":"change_password"/);
  assert.ok(!audit.includes('new-password-456') && !audit.includes('scrypt$'), audit);
  assert.ok(!h.logs.join('').includes('new-password-456'), 'the new password reached a log line');
});

test('given a helpdesk account, when it calls keys, accounts, licences and other admin routes, then 403 ADMIN_FORBIDDEN; devices and the board answer', async () => {
  await using h = await startHarness({}, { start: false });
  assert.equal(
    (await h.call('POST', '/api/v1/devices', { deviceId: DEVICE, extension: '230', label: 'Desk' })).status,
    201,
  );
  const password = await createAccount(h, 'desk1', 'helpdesk');
  const desk = await login(h, 'desk1', password);
  const call = (method: string, url: string, body?: unknown) => h.call(method, url, body, as(desk));

  assert.deepEqual((await call('GET', '/api/v1/auth/me')).json, {
    username: 'desk1',
    via: 'session',
    role: 'helpdesk',
  });
  for (const [method, url, body] of [
    ['GET', '/api/v1/keys'],
    ['POST', '/api/v1/keys/rotate', { overlapSeconds: 0 }],
    ['GET', '/api/v1/accounts'],
    ['POST', '/api/v1/accounts', { username: 'mine', role: 'administrator' }],
    ['POST', '/api/v1/accounts/admin/reset-password'],
    ['PUT', `/api/v1/devices/${DEVICE}/licence`, { licence: h.licence(DEVICE, 'premium') }],
    ['POST', '/api/v1/devices', { deviceId: 'OTHERDEVICE1', extension: '230' }],
    ['DELETE', `/api/v1/devices/${DEVICE}`],
    ['GET', '/api/v1/audit'],
    ['GET', '/api/v1/tokens'],
    ['POST', '/api/v1/destinations', { name: 'SMART-X', dial: '100' }],
  ] as const) {
    const res = await call(method, url, body);
    assert.equal(res.status, 403, `${method} ${url}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_FORBIDDEN');
    assert.match(res.json.error.message, /desk1 \(helpdesk\).*administrator/);
    assert.deepEqual(res.json.error.details, { role: 'helpdesk', needs: 'administrator' });
  }
  const label = await call('PATCH', `/api/v1/devices/${DEVICE}`, { enabled: false, label: 'x' });
  assert.equal(label.status, 403);
  assert.match(label.json.error.message, /only enabled here, not label/);

  const list = await call('GET', '/api/v1/devices');
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.json.items.map((d: { deviceId: string }) => d.deviceId),
    [DEVICE],
  );
  assert.equal((await call('GET', '/api/v1/board')).status, 200);
  assert.equal((await call('GET', '/api/v1/presence')).status, 200);
  assert.equal((await call('GET', `/api/v1/devices/${DEVICE}`)).status, 200);
  const disabled = await call('PATCH', `/api/v1/devices/${DEVICE}`, { enabled: false });
  assert.equal(disabled.status, 200, disabled.body);
  assert.equal(disabled.json.enabled, false);
  assert.equal((await call('PATCH', `/api/v1/devices/${DEVICE}`, { enabled: true })).json.enabled, true);

  const own = await call('POST', '/api/v1/auth/password', {
    currentPassword: password,
    newPassword: 'helpdesk-password-1',
  });
  assert.equal(own.status, 200, own.body);
  const audit = await h.call('GET', `/api/v1/audit?entity=device`);
  assert.ok(audit.json.items.some((e: { actor: string }) => e.actor === 'admin:desk1'));
});

test('given helpdesk, when every route outside the helpdesk list is called, then each is 403 before anything runs (default deny)', async () => {
  await using h = await startHarness({}, { start: false });
  const desk = await login(h, 'desk2', await createAccount(h, 'desk2', 'helpdesk'));
  const routes = h.app.http.routeList.filter((r) => r.url.startsWith('/api/v1/') && !r.public);
  const listed = new Set(Object.keys(HELPDESK_ROUTES));
  for (const key of listed)
    assert.ok(
      routes.some((r) => `${r.method} ${r.url}` === key),
      `HELPDESK_ROUTES names ${key}, which is not a route`,
    );
  const open: string[] = [];
  for (const r of routes) {
    const key = `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
    if (listed.has(key) || r.url === '/api/v1/openapi.json') continue;
    const url = r.url
      .replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? '1' : 'X1234'))
      .replace(/\*$/, 'x');
    const res = await h.app.http.inject({ method: r.method as 'GET', url, headers: as(desk) });
    if (res.statusCode !== 403) open.push(`${r.method} ${r.url} -> ${res.statusCode}`);
  }
  assert.deepEqual(open, []);
});

test('given accounts, when the last enabled administrator would be deleted, disabled or demoted, then 409; with a second administrator it works', async () => {
  await using h = await startHarness({}, { start: false });
  for (const [method, body] of [
    ['DELETE', undefined],
    ['PATCH', { enabled: false }],
    ['PATCH', { role: 'helpdesk' }],
  ] as const) {
    const res = await h.call(method, '/api/v1/accounts/admin', body);
    assert.equal(res.status, 409, res.body);
    assert.equal(res.json.error.code, 'ADMIN_ACCOUNT_LAST_ADMINISTRATOR');
  }
  assert.equal(
    (await h.call('POST', '/api/v1/accounts', { username: 'admin', role: 'helpdesk' })).status,
    409,
  );
  assert.equal(
    (await h.call('DELETE', '/api/v1/accounts/nobody')).json.error.code,
    'ADMIN_ACCOUNT_NOT_FOUND',
  );

  const second = await createAccount(h, 'boss', 'administrator');
  const boss = await login(h, 'boss', second);
  const demoted = await h.call('PATCH', '/api/v1/accounts/admin', { role: 'helpdesk' }, as(boss));
  assert.equal(demoted.status, 200, demoted.body);
  assert.equal((await h.call('GET', '/api/v1/keys')).status, 403, "admin's session now has helpdesk rights");

  const off = await h.call('PATCH', '/api/v1/accounts/admin', { enabled: false }, as(boss));
  assert.equal(off.json.enabled, false);
  assert.equal((await h.call('GET', '/api/v1/auth/me')).status, 401, 'disabling ends the sessions');
  const refused = await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(refused.status, 401);

  const reset = await h.call('POST', '/api/v1/accounts/admin/reset-password', undefined, as(boss));
  assert.equal(reset.status, 200, reset.body);
  assert.match(reset.json.generatedPassword, /^[A-Za-z0-9_-]{20}$/);
  await h.call('PATCH', '/api/v1/accounts/admin', { enabled: true, role: 'administrator' }, as(boss));
  h.token = await login(h, 'admin', reset.json.generatedPassword);
  assert.equal((await h.call('DELETE', '/api/v1/accounts/boss')).status, 204);
  assert.equal((await h.call('GET', '/api/v1/auth/me', undefined, as(boss))).status, 401);

  const list = await h.call('GET', '/api/v1/accounts');
  assert.deepEqual(
    list.json.items.map((a: { username: string; role: string; enabled: boolean }) => [
      a.username,
      a.role,
      a.enabled,
    ]),
    [['admin', 'administrator', true]],
  );
  assert.ok(!list.body.includes('scrypt') && !list.body.includes('password_hash'), list.body);

  const audit = await auditText(h);
  for (const action of ['create', 'update', 'delete', 'reset_password'])
    assert.match(audit, new RegExp(`"action":"${action}"`), action);
  assert.match(audit, /"actor":"admin:boss"/);
  assert.ok(
    !audit.includes(second) && !audit.includes(reset.json.generatedPassword) && !audit.includes('scrypt$'),
  );
  assert.ok(!h.logs.join('').includes(reset.json.generatedPassword), 'a generated password reached the log');
});

test('given any API answer, then it is Cache-Control: no-store (errors and 401 included)', async () => {
  await using h = await startHarness({}, { start: false });
  for (const [url, headers] of [
    ['/api/v1/devices', {}],
    ['/api/v1/accounts', {}],
    ['/api/v1/devices', { authorization: '' }],
    ['/api/v1/nothing-here', {}],
  ] as const) {
    const res = await h.call('GET', url, undefined, headers);
    assert.equal(res.headers['cache-control'], 'no-store', `${url} ${res.status}`);
  }
  assert.equal((await h.call('GET', '/api/v1/health')).headers['cache-control'], 'no-store');
});

test('given accounts exist, when admin starts again with another ADMIN_PASSWORD, then one warn line says it is not applied; the same password is silent', async () => {
  const ADMIN_KEK = randomBytes(32).toString('base64'); // one database, one key-encryption key
  await using first = await startHarness({ ADMIN_KEK }, { start: false });
  await using again = await startHarness(
    { ADMIN_KEK, DATABASE_SCHEMA: first.schema, ADMIN_PASSWORD: 'another-password-9' },
    { start: false },
  );
  const warned = again.logs.filter((l) => l.includes('admin_password_not_applied'));
  assert.equal(warned.length, 1, again.logs.join(''));
  assert.match(warned[0]!, /"level":"warn"/);
  assert.match(warned[0]!, /NOT applied.*sa-admin reset-password admin/);
  assert.ok(!again.logs.join('').includes('another-password-9'));
  await using same = await startHarness({ ADMIN_KEK, DATABASE_SCHEMA: first.schema }, { start: false });
  assert.equal(same.logs.filter((l) => l.includes('admin_password_not_applied')).length, 0);
});

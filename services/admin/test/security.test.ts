import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteInfo } from '../src/adapters/http/server.js';
import { type Harness, startHarness } from '../src/test-support/admin-harness.js';

const PUBLIC = new Set(['GET /api/v1/health', 'HEAD /api/v1/health', 'POST /api/v1/auth/login']);
const STREAMS = new Set(['/api/v1/presence/stream', '/api/v1/board/events']);
const INJECTION = "1' OR '1'='1'; DROP TABLE devices;--";
const UUID = '00000000-0000-4000-8000-000000000000';

function concrete(url: string, param: (name: string) => string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(param(name))).replace(/\*$/, 'x');
}

const sampleParam = (name: string): string =>
  ({ deviceId: 'ABCDEFGHIJ0123456789', extension: '230', id: name === 'id' ? UUID : '1' })[name] ?? '1';

function apiRoutes(h: Harness): RouteInfo[] {
  return h.app.http.routeList.filter((r) => r.url.startsWith('/api/'));
}

test('given no credentials, when every route is called, then only health and login answer without 401', async () => {
  await using h = await startHarness({}, { start: false });
  const routes = h.app.http.routeList;
  assert.ok(routes.length > 30, `expected the full route list, got ${routes.length}`);
  const open: string[] = [];
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    const url = concrete(r.url, sampleParam).replace(':id', '1');
    const res = await h.app.http.inject({ method: r.method as 'GET', url });
    if (!r.url.startsWith('/api/')) continue; // console static files are public by design
    if (PUBLIC.has(key)) continue;
    if (res.statusCode !== 401) open.push(`${key} -> ${res.statusCode}`);
    else if (r.method !== 'HEAD') assert.equal(res.json().error.code, 'ADMIN_AUTH_REQUIRED');
  }
  assert.deepEqual(open, []);
  assert.equal((await h.app.http.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
});

test('given a forged, expired-format or revoked token, when calling the API, then 401', async () => {
  await using h = await startHarness({}, { start: false });
  for (const auth of [
    'Bearer sas_forged-token-000000000',
    'Bearer x',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${h.token}'--`,
  ]) {
    const res = await h.app.http.inject({
      method: 'GET',
      url: '/api/v1/devices',
      headers: { authorization: auth },
    });
    assert.equal(res.statusCode, 401, auth);
  }
  const created = await h.call('POST', '/api/v1/tokens', { name: 'ci' });
  assert.equal(created.status, 201);
  const viaToken = await h.app.http.inject({
    method: 'GET',
    url: '/api/v1/devices',
    headers: { authorization: `Bearer ${created.json.token}` },
  });
  assert.equal(viaToken.statusCode, 200);
  await h.call('DELETE', `/api/v1/tokens/${created.json.id}`);
  const revoked = await h.app.http.inject({
    method: 'GET',
    url: '/api/v1/devices',
    headers: { authorization: `Bearer ${created.json.token}` },
  });
  assert.equal(revoked.statusCode, 401);
});

test('given a wrong password, when logging in, then 401 and the fail2ban line is logged', async () => {
  await using h = await startHarness({}, { start: false });
  const res = await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: 'wrong' });
  assert.equal(res.status, 401);
  assert.equal(res.json.error.code, 'ADMIN_AUTH_FAILED');
  const line = h.logs.find((l) => l.includes('"event":"login_failed"'));
  assert.ok(line);
  assert.match(line, /"src":"127\.0\.0\.1"/);
  assert.match(line, /"msg":"admin login failed from 127\.0\.0\.1"/);
});

test('given SQL injection strings, when placed in every path parameter, query and body field, then every route answers 4xx', async () => {
  await using h = await startHarness({}, { start: false });
  await h.call('POST', '/api/v1/devices', { deviceId: 'ABCDEFGHIJ0123456789', extension: '230' });
  const problems: string[] = [];
  const check = (what: string, status: number, allowOk = false) => {
    if (status >= 500 || (!allowOk && status < 400)) problems.push(`${what} -> ${status}`);
  };
  for (const r of apiRoutes(h)) {
    if (r.method === 'HEAD' || STREAMS.has(r.url) || r.url.startsWith('/api/docs')) continue;
    if (r.url.includes(':')) {
      const res = await h.call(
        r.method,
        concrete(r.url, () => INJECTION),
        r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      );
      check(`${r.method} ${r.url} params`, res.status);
    }
    if (r.method === 'GET') {
      for (const q of ['limit', 'cursor', 'extension', 'offset', 'scope', 'entity', 'prefix', 'format']) {
        const res = await h.call(
          'GET',
          `${concrete(r.url, sampleParam)}?${q}=${encodeURIComponent(INJECTION)}`,
        );
        check(`GET ${r.url}?${q}`, res.status);
      }
    }
    const props = (
      r.bodySchema as
        | { properties?: Record<string, { type?: string; items?: { type?: string } }> }
        | undefined
    )?.properties;
    for (const [name, schema] of Object.entries(props ?? {})) {
      const value = schema.type === 'array' ? [INJECTION] : INJECTION;
      const res = await h.call(r.method, concrete(r.url, sampleParam), { [name]: value });
      // free text by nature: a password, a licence file, SSIDs (stored as literal text via bound parameters)
      check(`${r.method} ${r.url} body.${name}`, res.status, ['password', 'licence', 'ssids'].includes(name));
    }
  }
  assert.deepEqual(problems, []);
  const still = await h.call('GET', '/api/v1/devices');
  assert.equal(still.json.items.length, 1, 'devices table intact');
});

test('given an oversized body, when sent to every route, then 413 ADMIN_REQUEST_TOO_LARGE', async () => {
  await using h = await startHarness({}, { start: false });
  const big = JSON.stringify({ data: 'x'.repeat(200 * 1024) });
  const wrong: string[] = [];
  for (const r of h.app.http.routeList) {
    const res = await h.app.http.inject({
      method: r.method as 'POST',
      url: concrete(r.url, sampleParam),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.token}` },
      payload: big,
    });
    if (res.statusCode !== 413) wrong.push(`${r.method} ${r.url} -> ${res.statusCode}`);
    else if (r.method !== 'HEAD') assert.equal(res.json().error.code, 'ADMIN_REQUEST_TOO_LARGE');
  }
  assert.deepEqual(wrong, []);
});

test('given malformed input, when sent to each write route, then 400 names the field', async () => {
  await using h = await startHarness({}, { start: false });
  const cases: [string, string, unknown, string][] = [
    ['POST', '/api/v1/devices', { deviceId: 'a-b', extension: '230' }, 'body.deviceId'],
    ['POST', '/api/v1/devices', { deviceId: 'ABCD1234' }, 'body.extension'],
    ['POST', '/api/v1/devices', { deviceId: 'ABCD1234', extension: '230', extra: 1 }, 'body'],
    ['PATCH', '/api/v1/devices/ABCD1234', { enabled: 'maybe' }, 'body.enabled'],
    ['POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: 'rm -rf /' }, 'body.dial'],
    ['POST', '/api/v1/locations', { name: 'Office', bssids: ['zz:zz'] }, 'body.bssids.0'],
    [
      'PUT',
      '/api/v1/users/230/scenarios',
      { scenarios: [{ name: 'x', destinationId: 'nope', rules: [] }] },
      'body.scenarios.0.destinationId',
    ],
    ['POST', '/api/v1/keys/rotate', { secret: 'short', overlapSeconds: 10 }, 'body.secret'],
    ['GET', '/api/v1/devices?limit=100000', undefined, 'querystring.limit'],
    ['POST', '/api/v1/extensions', { extension: '2a' }, 'body.extension'],
    ['POST', '/api/v1/tokens', {}, 'body.name'],
  ];
  for (const [method, url, body, field] of cases) {
    const res = await h.call(method, url, body);
    assert.equal(res.status, 400, `${method} ${url}: ${res.body}`);
    assert.equal(res.json.error.code, 'ADMIN_REQUEST_INVALID');
    assert.ok(
      res.json.error.details.field.startsWith(field),
      `${method} ${url}: field ${res.json.error.details.field}`,
    );
    assert.ok(res.json.error.message.startsWith(field), res.json.error.message);
  }
});

test('given server keys, when every GET route is read and keys rotate, then no secret appears in any response or log', async () => {
  await using h = await startHarness();
  const secret = 'SuperSecretKey99';
  const rotated = await h.call('POST', '/api/v1/keys/rotate', { secret, overlapSeconds: 60 });
  assert.equal(rotated.status, 201);
  await h.call('POST', '/api/v1/devices', { deviceId: 'ABCDEFGHIJ0123456789', extension: '230' });
  const bodies: string[] = [rotated.body];
  for (const r of apiRoutes(h)) {
    if (r.method !== 'GET' || STREAMS.has(r.url)) continue;
    bodies.push((await h.call('GET', concrete(r.url, sampleParam))).body);
  }
  bodies.push((await h.call('GET', '/api/v1/devices/ABCDEFGHIJ0123456789/qr?format=json')).body);
  bodies.push((await h.call('GET', '/api/v1/audit?limit=500')).body);
  const { rows } = await (async () => {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test',
      max: 1,
    });
    try {
      return await pool.query(
        `SELECT count(*)::int AS n FROM "${h.schema}".outbox WHERE position($1::bytea in event) > 0`,
        [Buffer.from(secret)],
      );
    } finally {
      await pool.end();
    }
  })();
  assert.equal(rows[0].n, 0, 'outbox rows carrying the ring are sealed');
  for (const s of [secret, '1234567890123456']) {
    assert.ok(!bodies.some((b) => b.includes(s)), `a response contains ${s}`);
    assert.ok(!h.logs.some((l) => l.includes(s)), `a log line contains ${s}`);
  }
});

test('given responses, then secure headers are set and the console is served with a CSP allowing its own scripts', async () => {
  await using h = await startHarness({}, { start: false });
  const res = await h.app.http.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  const doc = await h.call('GET', '/api/v1/openapi.json');
  assert.equal(doc.status, 200);
  assert.ok(Object.keys(doc.json.paths).includes('/api/v1/devices'));
});

test('given repeated failed logins, when the per-minute limit is exceeded, then 429 ADMIN_AUTH_RATE_LIMITED', async () => {
  await using h = await startHarness({ ADMIN_LOGIN_RATE_MAX: '3' }, { start: false });
  // the harness used one attempt to log in
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    statuses.push(
      (await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: 'nope' })).status,
    );
  }
  assert.deepEqual(statuses, [401, 401, 429]);
  const limited = await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: 'nope' });
  assert.equal(limited.json.error.code, 'ADMIN_AUTH_RATE_LIMITED');
});

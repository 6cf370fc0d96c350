// Security headers and cookies for each way the console is served (issue 15): plain HTTP from the
// office LAN gets neither HSTS nor upgrade-insecure-requests (they blank the page), HTTPS through a
// proxy listed in ADMIN_TRUSTED_PROXIES gets both and a Secure cookie, and an X-Forwarded-Proto from
// any other address is ignored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAdminConfig } from '../src/config.js';
import { ADMIN_PASSWORD, type Harness, startHarness } from '../src/test-support/admin-harness.js';

const PROXY = '10.0.0.5';
const LAN_PC = '192.168.1.20';
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

interface Seen {
  status: number;
  csp: string[];
  hsts: unknown;
  cookie: string;
}

async function get(
  h: Harness,
  url: string,
  from: string,
  headers: Record<string, string> = {},
): Promise<Seen> {
  // logged in, for the API docs page
  const authorization = `Bearer ${h.token}`;
  const res = await h.app.http.inject({
    method: 'GET',
    url,
    remoteAddress: from,
    headers: { authorization, ...headers },
  });
  return seen(res.statusCode, res.headers);
}

async function login(
  h: Harness,
  from: string,
  headers: Record<string, string> = {},
  password = ADMIN_PASSWORD,
): Promise<Seen> {
  const res = await h.app.http.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: from,
    headers,
    payload: { username: 'admin', password },
  });
  return seen(res.statusCode, res.headers);
}

function seen(status: number, headers: Record<string, unknown>): Seen {
  return {
    status,
    csp: String(headers['content-security-policy'] ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean),
    hsts: headers['strict-transport-security'],
    cookie: [headers['set-cookie'] ?? []].flat().join('\n'),
  };
}

function failedLoginSources(h: Harness): string[] {
  return h.logs
    .filter((l) => l.includes('"event":"login_failed"'))
    .map((l) => (JSON.parse(l) as { src: string }).src);
}

describe('security headers per transport', () => {
  it('given plain HTTP from a LAN address, when the console and API answer, then no HSTS, no upgrade-insecure-requests, the rest of the CSP strict and a cookie without Secure', async () => {
    await using h = await startHarness({ ADMIN_TRUSTED_PROXIES: PROXY }, { start: false });
    for (const url of ['/', '/styles.css', '/app.js', '/api/v1/health', '/no-such-page']) {
      const res = await get(h, url, LAN_PC);
      assert.equal(res.hsts, undefined, `${url}: HSTS over plain HTTP`);
      assert.ok(!res.csp.includes('upgrade-insecure-requests'), `${url}: ${res.csp.join('; ')}`);
      for (const directive of STRICT_CSP)
        assert.ok(res.csp.includes(directive), `${url}: lacks ${directive}`);
    }
    const docs = await get(h, '/api/docs', LAN_PC);
    assert.equal(docs.status, 200);
    assert.ok(docs.csp.includes("default-src 'self'"), docs.csp.join('; '));
    assert.ok(!docs.csp.includes('upgrade-insecure-requests'), `API docs: ${docs.csp.join('; ')}`);
    assert.equal(docs.hsts, undefined);
    const session = await login(h, LAN_PC);
    assert.equal(session.status, 200);
    assert.match(session.cookie, /sa_session=.*HttpOnly/);
    assert.doesNotMatch(session.cookie, /;\s*Secure/i);
  });

  it('given HTTPS through a trusted proxy (X-Forwarded-Proto: https), when the console and API answer, then HSTS, upgrade-insecure-requests and a Secure cookie, and the client address comes from X-Forwarded-For', async () => {
    await using h = await startHarness({ ADMIN_TRUSTED_PROXIES: `127.0.0.1, ${PROXY}/32` }, { start: false });
    const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-for': LAN_PC };
    for (const url of ['/', '/styles.css', '/api/v1/health', '/no-such-page', '/api/docs']) {
      const res = await get(h, url, PROXY, viaProxy);
      assert.equal(res.hsts, 'max-age=31536000; includeSubDomains', url);
      assert.ok(res.csp.includes('upgrade-insecure-requests'), `${url}: ${res.csp.join('; ')}`);
    }
    const console = await get(h, '/', PROXY, viaProxy);
    for (const directive of STRICT_CSP) assert.ok(console.csp.includes(directive), `lacks ${directive}`);
    const session = await login(h, PROXY, viaProxy);
    assert.equal(session.status, 200);
    assert.match(session.cookie, /sa_session=.*;\s*Secure/i);
    assert.equal((await login(h, PROXY, viaProxy, 'wrong-password')).status, 401);
    assert.deepEqual(failedLoginSources(h), [LAN_PC], 'fail2ban sees the client, not the proxy');
  });

  it('given X-Forwarded-Proto: https from an address that is not a trusted proxy, when answered, then it is ignored like plain HTTP', async () => {
    await using h = await startHarness({ ADMIN_TRUSTED_PROXIES: PROXY }, { start: false });
    const spoofed = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    for (const url of ['/', '/api/v1/health', '/api/docs']) {
      const res = await get(h, url, LAN_PC, spoofed);
      assert.equal(res.hsts, undefined, url);
      assert.ok(!res.csp.includes('upgrade-insecure-requests'), `${url}: ${res.csp.join('; ')}`);
    }
    const session = await login(h, LAN_PC, spoofed);
    assert.doesNotMatch(session.cookie, /;\s*Secure/i);
    await login(h, LAN_PC, spoofed, 'wrong-password');
    assert.deepEqual(failedLoginSources(h), [LAN_PC], 'X-Forwarded-For of an untrusted peer is ignored');
  });

  it('given no trusted proxy and ADMIN_COOKIE_SECURE=true, when X-Forwarded-Proto: https arrives even from loopback, then it is ignored, and the cookie is Secure anyway', async () => {
    await using h = await startHarness({ ADMIN_COOKIE_SECURE: 'true' }, { start: false });
    const res = await get(h, '/', '127.0.0.1', { 'x-forwarded-proto': 'https' });
    assert.equal(res.hsts, undefined);
    assert.ok(!res.csp.includes('upgrade-insecure-requests'));
    assert.match((await login(h, LAN_PC)).cookie, /;\s*Secure/i);
  });

  it('given an ADMIN_TRUSTED_PROXIES entry that is no IP or CIDR, when the config loads, then the error names the entry', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.1/8/2']) {
      assert.throws(
        () => loadAdminConfig({ ADMIN_TRUSTED_PROXIES: `127.0.0.1,${bad}` }),
        (err: Error) => err.message.includes('ADMIN_TRUSTED_PROXIES') && err.message.includes(`"${bad}"`),
        bad,
      );
    }
  });
});

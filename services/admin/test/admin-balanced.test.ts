// Issue 18: admin is stateless behind a balancer. Two admin processes on one schema (the same
// key-encryption key) behind a round-robin TCP balancer; every request opens its own connection, so
// consecutive requests land on alternate instances. A session begun on one works on the other, a write
// on one is read on the other, and signing out on one ends the session on both.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, startTcpBalancer, type TcpBalancer, uniqueName } from '@sa/testkit';
import { dropAdminState, startAdminForBrowser } from './browser/browser-session.js';

const PASSWORD = `balanced-${randomBytes(6).toString('hex')}`;
const KEK = randomBytes(32).toString('hex');
const prefix = uniqueName('adminlb');

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly setCookie: string[];
  /** the instance (0 or 1) that answered: the balancer's backend for this connection */
  readonly instance: number;
}

describe('two admin processes behind one balancer (issue 18)', () => {
  const admins: ServiceProcess[] = [];
  let balancer: TcpBalancer;

  /** One request on a connection of its own through the balancer (no keep-alive: the next goes elsewhere). */
  function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
    const before = [...balancer.connections];
    return new Promise<Answer>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port: balancer.port,
          method,
          path: `/api/v1${path}`,
          agent: false,
          headers: { ...headers, ...(payload && { 'content-type': 'application/json' }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
              setCookie: res.headers['set-cookie'] ?? [],
              instance: balancer.connections.findIndex((n, i) => n > (before[i] ?? 0)),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    // the same schema, bus prefix and KEK; the second starts once the first has migrated the schema
    const env = { ADMIN_KEK: KEK };
    admins.push(await startAdminForBrowser(prefix, PASSWORD, env));
    admins.push(await startAdminForBrowser(prefix, PASSWORD, env));
    balancer = await startTcpBalancer(
      admins.map((a) => {
        const url = new URL(a.addresses.http as string);
        return { host: url.hostname, port: Number(url.port) };
      }),
    );
  });

  after(async () => {
    await balancer?.close();
    await Promise.all(admins.map((a) => a.stop()));
    await dropAdminState(prefix, createLogger('admin-balanced-test', 'warn'), 'admin-balanced-test');
  });

  test('given a sign-in answered by one instance, when its token and its cookie are used, then the other instance accepts both', async () => {
    const login = await call('POST', '/auth/login', {}, { username: 'admin', password: PASSWORD });
    assert.equal(login.status, 200);
    const token = login.body.token as string;
    const cookie = login.setCookie.map((c) => c.split(';')[0]).find((c) => c?.startsWith('sa_session='));
    assert.ok(cookie, 'the sign-in set the session cookie');

    const withToken = await call('GET', '/auth/me', bearer(token));
    const withCookie = await call('GET', '/auth/me', { cookie });
    assert.deepEqual([withToken.status, withCookie.status, withCookie.body.username], [200, 200, 'admin']);
    assert.notEqual(withToken.instance, login.instance, 'the token was used on the other instance');
    assert.deepEqual(new Set([login.instance, withToken.instance, withCookie.instance]), new Set([0, 1]));
  });

  test('given a write answered by one instance, when the next request reads, then the other instance returns it', async () => {
    const token = (await call('POST', '/auth/login', {}, { username: 'admin', password: PASSWORD })).body
      .token as string;
    const write = await call('POST', '/destinations', bearer(token), { name: 'SMART-Balanced', dial: '100' });
    assert.equal(write.status, 201);
    const read = await call('GET', '/destinations', bearer(token));
    assert.equal(read.status, 200);
    assert.notEqual(read.instance, write.instance, 'read on the other instance');
    const names = (read.body.items as { name: string }[]).map((d) => d.name);
    assert.ok(names.includes('SMART-Balanced'), names.join());
  });

  test('given a session, when it signs out on one instance, then the other instance refuses it too', async () => {
    const token = (await call('POST', '/auth/login', {}, { username: 'admin', password: PASSWORD })).body
      .token as string;
    const out = await call('POST', '/auth/logout', bearer(token));
    assert.ok(out.status < 300, `logout answered ${out.status}`);
    const after = await call('GET', '/auth/me', bearer(token));
    assert.notEqual(after.instance, out.instance);
    assert.equal(after.status, 401);
  });
});

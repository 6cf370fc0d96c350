// Test harness: a real admin (Postgres schema, NATS bus prefix, KV buckets all private to the test)
// plus helpers to log in and call the API through app.inject().
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { connectNats, createLogger, type NatsClient, openSnapshotBuckets } from '@sa/platform';
import { busNames } from '@sa/proto';
import { waitFor } from '@sa/testkit';
import pg from 'pg';
import { type AdminApp, buildAdminApp } from '../app.js';
import { loadAdminConfig } from '../config.js';
import { issuerKeyId, signLicence } from '../domain/licence.js';
import type { Tier } from '../domain/permissions.js';
import { DATABASE_URL } from './pg.js';

export const ADMIN_PASSWORD = 'test-password-123';

export interface Harness extends AsyncDisposable {
  readonly app: AdminApp;
  readonly schema: string;
  readonly prefix: string;
  readonly logs: string[];
  readonly issuer: KeyObject;
  token: string;
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  licence(deviceId: string, tier: Tier, expiresAt?: string, key?: KeyObject): string;
  nats(): Promise<NatsClient>;
  nats2(url: string): Promise<NatsClient>;
  start(): Promise<void>;
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response JSON
  json: any;
  body: string;
  headers: Record<string, unknown>;
}

export async function startHarness(
  env: Record<string, string> = {},
  options: { start?: boolean } = {},
): Promise<Harness> {
  const schema = `t_admin_${randomBytes(5).toString('hex')}`;
  const prefix = `t_${randomBytes(4).toString('hex')}`;
  const issuer = generateKeyPairSync('ed25519');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('admin', 'debug', sink);
  const config = loadAdminConfig({
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    SA_BUS_PREFIX: prefix,
    ADMIN_PASSWORD,
    ADMIN_KEK: randomBytes(32).toString('base64'),
    ADMIN_PORT: '0',
    OPS_PORT: '0',
    ADMIN_OUTBOX_POLL_MS: '50',
    ADMIN_KEY_SWEEP_MS: '200',
    LICENCE_PUBLIC_KEYS: issuer.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    KNOCK_SEQUENCE: '30000,30500,31000',
    ...env,
  });
  const app = await buildAdminApp(config, logger, { announce: (line) => logs.push(line) });
  let started = false;
  const clients: NatsClient[] = [];
  const h: Harness = {
    app,
    schema,
    prefix,
    logs,
    issuer: issuer.privateKey,
    token: '',
    async start() {
      await app.start();
      started = true;
    },
    async call(method, url, body, headers = {}) {
      const res = await app.http.inject({
        method: method as 'GET',
        url,
        headers: { ...(h.token ? { authorization: `Bearer ${h.token}` } : {}), ...headers },
        ...(body === undefined
          ? {}
          : typeof body === 'string'
            ? { payload: body }
            : { payload: body as object }),
      });
      let json: unknown = null;
      try {
        json = res.json();
      } catch {
        json = null;
      }
      return { status: res.statusCode, json, body: res.body, headers: res.headers };
    },
    licence(deviceId, tier, expiresAt = '2099-12-31', key = issuer.privateKey) {
      return signLicence(
        {
          deviceId,
          tier,
          issuedAt: new Date().toISOString(),
          expiresAt,
          issuerKeyId: issuerKeyId(issuer.publicKey),
        },
        key,
      );
    },
    async nats() {
      return h.nats2(config.NATS_URL);
    },
    async nats2(url) {
      const c = await connectNats(url, 'admin-test', createLogger('t', 'silent'));
      clients.push(c);
      return c;
    },
    async [Symbol.asyncDispose]() {
      if (started) await app.stop('test end');
      else await app.http.close();
      const c = await h.nats().catch(() => null);
      if (c) {
        const buckets = await openSnapshotBuckets(c.nc, busNames(prefix)).catch(() => null);
        for (const kv of buckets ? [buckets.devices, buckets.keys, buckets.users] : []) {
          await kv.destroy().catch(() => {});
        }
      }
      for (const client of clients) await client.close().catch(() => {});
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
  if (options.start !== false) await h.start();
  const login = await h.call('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`test login failed: ${login.body}`);
  h.token = login.json.token;
  return h;
}

/** Polls until `check` returns a value (not undefined: 0, false and [] count) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const found = await waitFor(
    async () => {
      const value = await check();
      return value === undefined ? undefined : { value };
    },
    { timeoutMs, what: 'the condition' },
  );
  return found.value;
}

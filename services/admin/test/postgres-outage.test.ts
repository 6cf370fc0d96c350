// Issue 18: admin survives its database going away. Admin runs as a process whose DATABASE_URL
// points at a TCP proxy in front of the real Postgres; cutting the proxy is the database
// restarting (every connection reset, new ones refused). During the outage requests get a clear
// 503 and nothing is half-written; afterwards admin serves again without a restart and the outbox
// publishes what was committed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLogger, openSnapshotBuckets } from '@sa/platform';
import { busNames } from '@sa/proto';
import {
  type ServiceProcess,
  startTcpProxy,
  type TcpProxy,
  testUrls,
  uniqueName,
  waitFor,
} from '@sa/testkit';
import * as session from './browser/browser-session.js';

const PASSWORD = `outage-${randomBytes(6).toString('hex')}`;
const prefix = uniqueName('pgout');
const logger = createLogger('postgres-outage-test', 'warn');

let proxy: TcpProxy;
let admin: ServiceProcess;
let api: session.ApiCall;

describe('admin and a Postgres outage', () => {
  before(async () => {
    const pg = new URL(testUrls.postgres);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    pg.host = `127.0.0.1:${proxy.port}`;
    admin = await session.startAdminForBrowser(prefix, PASSWORD, { DATABASE_URL: pg.toString() });
    api = await session.adminApi(admin.addresses.http!, PASSWORD);
  });
  after(async () => {
    proxy.restore();
    await admin?.stop();
    await proxy?.close();
    await session.dropAdminState(prefix, logger, 'postgres-outage-test');
  });

  test('given the database goes away, then reads and writes get 503 ADMIN_DATABASE_UNAVAILABLE, nothing is half-written, and admin serves again once it is back', async () => {
    assert.equal((await api('POST', '/destinations', { name: 'SMART-Before', dial: '100' })).status, 201);

    proxy.cut();
    const read = await api('GET', '/destinations');
    assert.equal(read.status, 503);
    const readBody = (await read.json()) as { error: { code: string; message: string } };
    assert.equal(readBody.error.code, 'ADMIN_DATABASE_UNAVAILABLE');
    assert.match(readBody.error.message, /database/i);
    const write = await api('POST', '/destinations', { name: 'SMART-During', dial: '200' });
    assert.equal(write.status, 503);
    assert.equal((await fetch(`${admin.addresses.http}/api/v1/health`)).status, 503);
    assert.equal(admin.child.exitCode, null, 'admin is still running');

    proxy.restore();
    await waitFor(async () => (await api('GET', '/destinations')).status === 200, {
      timeoutMs: 15_000,
      what: 'admin to read from the database again',
    });
    const names = (
      (await (await api('GET', '/destinations')).json()) as { items: { name: string }[] }
    ).items.map((d) => d.name);
    assert.deepEqual(names, ['SMART-Before'], 'the write refused during the outage left nothing behind');

    // the outbox resumes: a change committed now reaches the NATS snapshot of the user it touches
    assert.equal((await api('POST', '/extensions', { extension: '270' })).status, 201);
    const nats = await import('@sa/platform').then((p) =>
      p.connectNats(testUrls.nats, 'pg-outage-test', logger),
    );
    try {
      const buckets = await openSnapshotBuckets(nats.nc, busNames(prefix));
      await waitFor(async () => (await buckets.users.get('270')) !== null, {
        timeoutMs: 15_000,
        what: "the new user's snapshot published by the outbox",
      });
    } finally {
      await nats.close();
    }
  });
});

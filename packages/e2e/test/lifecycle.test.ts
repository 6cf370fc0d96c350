// Every service, run as a real process: ready when its dependencies are up, exits cleanly on
// SIGTERM, and refuses to start with one clear line when configuration or a server is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runServiceToExit, type ServiceName, startService, testUrls, uniqueName, waitFor } from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';
import { cleanupPrefix } from '../src/index.js';

let ami: AmiTestServer;
const workDir = mkdtempSync(join(tmpdir(), 'sa-lifecycle-'));
before(async () => {
  ami = await AmiTestServer.start();
});
after(async () => {
  await ami.stop();
});

// every prefix a test hands out is removed from NATS, Redis and Postgres at the end
const prefixes: string[] = [];
after(async () => {
  for (const prefix of prefixes) await cleanupPrefix(prefix);
});

function envFor(name: ServiceName): Record<string, string> {
  const prefix = uniqueName('life');
  prefixes.push(prefix);
  const base = {
    NATS_URL: testUrls.nats,
    SA_BUS_PREFIX: prefix,
    REDIS_URL: testUrls.redis,
    REDIS_KEY_PREFIX: prefix,
  };
  switch (name) {
    case 'ingest':
      return { ...base, INGEST_PORT: '0' };
    case 'router':
      return base;
    case 'admin':
      return {
        ...base,
        DATABASE_URL: testUrls.postgres,
        DATABASE_SCHEMA: base.SA_BUS_PREFIX,
        ADMIN_PORT: '0',
        ADMIN_PASSWORD: 'correct-horse-battery-staple',
        ADMIN_KEK_FILE: join(workDir, `${uniqueName('kek')}.kek`),
      };
    case 'ami-bridge':
      return {
        ...base,
        AMI_HOST: '127.0.0.1',
        AMI_PORT: String(ami.port),
        AMI_USERNAME: ami.options.username,
        AMI_SECRET: ami.options.secret,
      };
  }
}

const SERVICES: ServiceName[] = ['ingest', 'router', 'admin', 'ami-bridge'];

describe('service lifecycle', () => {
  for (const name of SERVICES) {
    test(`given ${name} running with its dependencies, when sent SIGTERM, then it is ready first and exits 0 within seconds`, async () => {
      const svc = await startService(name, { env: envFor(name) });
      const ops = svc.addresses.ops;
      assert.ok(ops, `${name} announced no ops address`);
      assert.equal((await fetch(`${ops}/healthz`)).status, 200);
      await waitFor(async () => (await fetch(`${ops}/readyz`)).status === 200, {
        timeoutMs: 15_000,
        what: `${name} /readyz`,
      });
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      assert.match(metrics, /^sa_process_cpu_user_seconds_total/m);
      const started = Date.now();
      const code = await svc.stop('SIGTERM');
      assert.equal(code, 0, `${name} exit code; stderr: ${svc.stderr.join(' | ')}`);
      assert.ok(Date.now() - started < 8000, `${name} took ${Date.now() - started} ms to stop`);
      assert.ok(
        svc.logs.some((l) => l.event === 'stopped'),
        `${name} logged no "stopped" line`,
      );
    });
  }

  for (const name of SERVICES) {
    test(`given ${name} with NATS_URL pointing at a closed port, when started, then it exits with one line naming NATS_URL`, async () => {
      const result = await runServiceToExit(name, { ...envFor(name), NATS_URL: 'nats://127.0.0.1:1' });
      assert.equal(result.code, 69);
      assert.equal(result.stderr.length, 1, `stderr: ${result.stderr.join('\n')}`);
      assert.match(
        result.stderr[0]!,
        new RegExp(`^${name}: cannot reach NATS at nats://127\\.0\\.0\\.1:1 \\(NATS_URL\\)`),
      );
    });
  }

  test('given admin with a DATABASE_URL naming a missing database, when started, then it exits with one line saying so and how to fix it', async () => {
    const url = new URL(testUrls.postgres);
    url.pathname = '/sa_missing_db';
    const result = await runServiceToExit('admin', { ...envFor('admin'), DATABASE_URL: url.toString() });
    assert.equal(result.code, 69);
    assert.equal(result.stderr.length, 1, `stderr: ${result.stderr.join('\n')}`);
    assert.match(
      result.stderr[0]!,
      /^admin: cannot reach PostgreSQL at .*sa_missing_db \(DATABASE_URL\): database "sa_missing_db" does not exist; create the database/,
    );
  });

  test('given an invalid OPS_PORT and LOG_LEVEL, when router starts, then one line names both variables', async () => {
    const result = await runServiceToExit('router', {
      ...envFor('router'),
      OPS_PORT: 'eighty',
      LOG_LEVEL: 'loud',
    });
    assert.equal(result.code, 78);
    assert.equal(result.stderr.length, 1);
    assert.match(
      result.stderr[0]!,
      /^router: invalid configuration: .*OPS_PORT.*LOG_LEVEL|LOG_LEVEL.*OPS_PORT/,
    );
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { test } from 'node:test';
import { DependencyUnavailableError, dependencyHint, redactUrl } from './errors.js';
import { createLogger } from './logger.js';
import { connectNats } from './nats.js';
import { connectPostgres } from './postgres.js';
import { connectRedis } from './redis.js';

const silent = createLogger('test', 'silent');

test('given an unreachable NATS, when connecting, then a named error says which server and variable', async () => {
  await assert.rejects(connectNats('nats://127.0.0.1:1', 'test', silent), (err: unknown) => {
    assert.ok(err instanceof DependencyUnavailableError);
    assert.match(err.message, /^cannot reach NATS at nats:\/\/127\.0\.0\.1:1 \(NATS_URL\)/);
    assert.match(err.message, /nats-server -js/);
    return true;
  });
});

test('given an unreachable Redis, when connecting, then a named error says REDIS_URL', async () => {
  await assert.rejects(connectRedis('redis://127.0.0.1:1', silent), /cannot reach Redis at .* \(REDIS_URL\)/);
});

test('given an unreachable Postgres with a password, when connecting, then the error hides the password', async () => {
  await assert.rejects(connectPostgres('postgres://u:hunter2@127.0.0.1:1/db', silent), (err: unknown) => {
    assert.ok(err instanceof DependencyUnavailableError);
    assert.match(err.message, /\(DATABASE_URL\)/);
    assert.equal(err.message.includes('hunter2'), false);
    return true;
  });
});

test('given the local servers, when connecting, then health is up and close works', async () => {
  const nats = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'test', silent);
  const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', silent);
  const pg = await connectPostgres(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test', silent);
  assert.equal(nats.health().status, 'up');
  assert.equal(redis.health().status, 'up');
  assert.equal((await pg.health()).status, 'up');
  await Promise.all([nats.close(), redis.close(), pg.close()]);
  assert.equal(nats.health().status, 'down');
});

test('given a connected Redis client, when ioredis ends it without close(), then it connects again and commands work; after close() it stays ended', async () => {
  const client = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', silent);
  // a plain disconnect() ends an ioredis client the way its failover races do: no reconnection of its own
  client.redis.disconnect();
  const deadline = Date.now() + 5000;
  let answer: string | null = null;
  while (answer !== 'PONG' && Date.now() < deadline) {
    answer = await client.redis.ping().catch(() => null);
    if (answer !== 'PONG') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(answer, 'PONG', 'the ended client came back');
  await client.close();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(client.redis.status, 'end', 'a closed client is not started again');
});

test('given a DATABASE_URL naming a missing database, when connecting, then one line says it does not exist and how to create it', async () => {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test');
  base.pathname = '/sa_no_such_database';
  await assert.rejects(connectPostgres(base.toString(), silent), (err: unknown) => {
    assert.ok(err instanceof DependencyUnavailableError);
    assert.equal(err.message.includes('\n'), false);
    assert.match(
      err.message,
      /\(DATABASE_URL\): database "sa_no_such_database" does not exist; create the database \(`createdb sa_no_such_database`/,
    );
    return true;
  });
});

test('given a password the Redis server does not accept, when connecting, then the error names the credentials in REDIS_URL', async () => {
  // a private redis-server that requires a password, on a loopback port of its own
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--requirepass', 'right-one'],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port);
    await assert.rejects(
      connectRedis(`redis://:not-the-password@127.0.0.1:${port}`, silent),
      (err: unknown) => {
        assert.ok(err instanceof DependencyUnavailableError);
        assert.match(err.message, /refused the credentials: fix the user name and password in REDIS_URL/);
        assert.equal(err.message.includes('not-the-password'), false);
        return true;
      },
    );
  } finally {
    server.kill();
  }
});

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((res) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on ${port} did not start`);
}

for (const [what, cause, url, want] of [
  [
    'a host name that does not resolve',
    { code: 'ENOTFOUND' },
    'nats://natz.example:4222',
    /host name in NATS_URL does not resolve/,
  ],
  [
    'a remote host that refuses',
    { code: 'ECONNREFUSED' },
    'nats://pbx.example:4223',
    /check the host and port in NATS_URL/,
  ],
  ['a local server that is down', { code: 'ECONNREFUSED' }, 'nats://127.0.0.1:4222', /^start it/],
  [
    'NATS refusing the user',
    new Error('Authorization Violation'),
    'nats://u:p@127.0.0.1:4222',
    /credentials: fix .* NATS_URL/,
  ],
  [
    'a wrong PostgreSQL password',
    { code: '28P01' },
    'postgres://u:p@127.0.0.1/db',
    /credentials: fix .* DATABASE_URL/,
  ],
] as const) {
  test(`given ${what}, when the hint is worked out, then it names the likely fix`, () => {
    assert.match(
      dependencyHint('X', url.startsWith('nats') ? 'NATS_URL' : 'DATABASE_URL', url, cause, 'start it'),
      want,
    );
  });
}

test('redactUrl hides only the password', () => {
  assert.equal(redactUrl('redis://user:pw@host:1/0'), 'redis://user:***@host:1/0');
  assert.equal(redactUrl('not a url'), 'not a url');
});

// Two ami-bridge processes for one PBX (AMI_BRIDGE_HA=true): exactly one logs in to AMI and answers
// commands; when it is SIGKILLed the standby takes over within 5 s (issue 18).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { connectRedis, createLogger, type RedisClient } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { type ServiceProcess, startService, testUrls, uniqueName, waitFor } from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';

const TAKEOVER_LIMIT_MS = 5000;

describe('ami-bridge active/standby on one PBX (issue 18)', () => {
  const prefix = uniqueName('amiha');
  const names = busNames(prefix);
  const leaseKey = `{sa:${prefix}:ami:ha-test-pbx}:lease`;
  let server: AmiTestServer;
  let nc: NatsConnection;
  let redis: RedisClient;
  const bridges: ServiceProcess[] = [];
  const connected: smartassistant.v1.IAmiConnected[] = [];

  const bridgeEnv = () => ({
    NATS_URL: testUrls.nats,
    REDIS_URL: testUrls.redis,
    SA_BUS_PREFIX: prefix,
    AMI_BRIDGE_HA: 'true',
    AMI_BRIDGE_PBX_ID: 'ha-test-pbx',
    AMI_PORT: String(server.port),
    AMI_SECRET: 'amisecret',
    AMI_KEEPALIVE_MS: '0',
    AMI_RECONNECT_MAX_MS: '200',
  });
  /** Logins the AMI test server accepted (md5: a Challenge, then the Login). */
  const logins = () => server.actions('Login').length;
  const loggedInSessions = () => [...server.sessions].filter((s) => s.authenticated).length;
  const roleOf = (b: ServiceProcess) =>
    b.logs.filter((l) => l.event === 'ami_bridge_role').at(-1)?.['role'] as string | undefined;

  before(async () => {
    server = await AmiTestServer.start();
    nc = await connect({ servers: testUrls.nats });
    redis = await connectRedis(testUrls.redis, createLogger('test', 'silent'));
    nc.subscribe(names.amiConnected, {
      callback: (_e, m) => void connected.push(decodeMessage(v1.AmiConnected, m.data, 'AmiConnected')),
    });
    await nc.flush();
    bridges.push(await startService('ami-bridge', { env: bridgeEnv() }));
    bridges.push(await startService('ami-bridge', { env: bridgeEnv() }));
  });

  after(async () => {
    await Promise.all(bridges.map((b) => b.stop('SIGKILL')));
    await redis.redis.del(leaseKey);
    await redis.close();
    await nc.drain();
    await server.stop();
  });

  async function dbPut(requestId: string, key: string, value: string, timeoutMs = 3000) {
    const reply = await nc.request(
      names.amiCommand,
      encodeMessage(
        v1.AmiCommand,
        v1.AmiCommand.create({ requestId, orderKey: key, dbPut: { family: 'SMARTASSISTANT', key, value } }),
        'AmiCommand',
      ),
      { timeout: timeoutMs },
    );
    return decodeMessage(v1.AmiResult, reply.data, 'AmiResult');
  }

  test('given two bridges with HA on, then exactly one logs in to AMI and answers commands; the other is standby', async () => {
    await waitFor(() => connected.length > 0, { timeoutMs: 10_000, what: 'AmiConnected' });
    // two lease renewals later, still exactly one login and one AMI session
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(logins(), 1);
    assert.equal(loggedInSessions(), 1);
    assert.equal(connected.length, 1);
    assert.deepEqual(bridges.map(roleOf).sort(), ['active', 'standby']);
    const active = bridges.find((b) => roleOf(b) === 'active')!;
    const standby = bridges.find((b) => roleOf(b) === 'standby')!;
    assert.equal(await redis.redis.get(leaseKey), active.addresses['bridgeId']);
    const ready = (await (await fetch(`${standby.addresses['ops']}/readyz`)).json()) as {
      details: { role: string };
    };
    assert.equal(ready.details.role, 'standby');

    const put = await dbPut('h1', '240/target', '100');
    assert.equal(put.ok, true);
    assert.equal(server.dbGet('SMARTASSISTANT', '240/target'), '100');
    assert.equal(server.actions('DBPut').length, 1);
  });

  test('given the active bridge is SIGKILLed, when 5 s pass, then the standby has logged in and its AstDB write reaches the PBX', async () => {
    const active = bridges.find((b) => roleOf(b) === 'active')!;
    const standby = bridges.find((b) => roleOf(b) === 'standby')!;
    const killedAt = Date.now();
    await active.stop('SIGKILL');
    const answered = await waitFor(
      async () => {
        const r = await dbPut('h2', '240/target', '299', 300).catch(() => undefined);
        return r?.ok ? r : undefined;
      },
      { timeoutMs: TAKEOVER_LIMIT_MS, intervalMs: 50, what: 'the standby answering commands' },
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`ami-bridge takeover: ${takeoverMs} ms after SIGKILL`);
    assert.equal(answered.ok, true);
    assert.ok(takeoverMs <= TAKEOVER_LIMIT_MS, `took ${takeoverMs} ms`);
    assert.equal(roleOf(standby), 'active');
    assert.equal(server.dbGet('SMARTASSISTANT', '240/target'), '299');
    assert.equal(logins(), 2);
    await waitFor(() => loggedInSessions() === 1, { timeoutMs: 2000, what: 'one AMI session' });
    assert.equal(connected.length, 2, 'the new active bridge announced AmiConnected (router resyncs on it)');
    assert.equal(connected[1]?.bridgeId, standby.addresses['bridgeId']);
    assert.equal(await redis.redis.get(leaseKey), standby.addresses['bridgeId']);
  });
});

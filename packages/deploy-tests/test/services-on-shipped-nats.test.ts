// The four real services (and smart-set-secret) on a NATS started with the shipped configuration, each
// logging in with its own bus user: their real set-up (streams, buckets, consumers, subscriptions) and
// their bus traffic must need nothing the shipped permissions deny. router and ingest start before admin:
// without permission to create the buckets they wait for admin to create them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@sa/testkit';
import pg from 'pg';
import { repoRoot, run, type ServiceName } from './helpers.js';
import { type ServiceProcess, startService } from './service-process.js';
import { freePort, type ShippedNats, startShippedNats } from './shipped-nats.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

async function readyz(service: ServiceProcess): Promise<{ status: number; body: string }> {
  const res = await fetch(`${service.listening.ops}/readyz`);
  return { status: res.status, body: await res.text() };
}

/** Polls /readyz until 200, or fails with its last answer and the service's last log lines. */
async function untilReady(name: string, service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  let last = { status: 0, body: '' };
  await waitFor(
    async () => {
      last = await readyz(service);
      return last.status === 200;
    },
    { timeoutMs, intervalMs: 200, what: `${name} /readyz` },
  ).catch(() => {
    throw new Error(`${name} not ready: ${last.body}\n${service.lines.slice(-20).join('\n')}`);
  });
}

describe('the real services on the shipped NATS configuration', () => {
  const id = `t_auth_${randomBytes(3).toString('hex')}`;
  let nats: ShippedNats;
  const running = new Map<ServiceName, ServiceProcess>();

  before(async () => {
    nats = await startShippedNats();
    const common = { SA_BUS_PREFIX: 'sa', OPS_HOST: '127.0.0.1', OPS_PORT: '0', LOG_LEVEL: 'info' };
    const redis = { REDIS_URL };
    // router and ingest first: they bind to what admin (buckets) and ingest (phone stream) create
    const early = [
      startService('router', { ...common, ...nats.envFor('router'), ...redis, REDIS_KEY_PREFIX: id }),
      startService('ingest', {
        ...common,
        ...nats.envFor('ingest'),
        ...redis,
        REDIS_KEY_PREFIX: `${id}:ingest:`,
        INGEST_HOST: '127.0.0.1',
        INGEST_PORT: '0',
        // RADIUS accounting on: ingest also reads and watches the RADIUS clients bucket (secrets)
        RADIUS_HOST: '127.0.0.1',
        RADIUS_PORT: '0',
      }),
    ];
    await new Promise((r) => setTimeout(r, 1000));
    const admin = startService('admin', {
      ...common,
      ...nats.envFor('admin'),
      DATABASE_URL,
      DATABASE_SCHEMA: id,
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: '0',
      ADMIN_PASSWORD: `pw-${randomBytes(6).toString('hex')}`,
      ADMIN_KEK: randomBytes(32).toString('hex'),
    });
    const bridge = startService('ami-bridge', {
      ...common,
      ...nats.envFor('ami-bridge'),
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(await freePort()),
      AMI_USERNAME: 'nobody',
      AMI_SECRET: 'nothing-listens-there',
    });
    const started = await Promise.allSettled([...early, admin, bridge]);
    (['router', 'ingest', 'admin', 'ami-bridge'] as const).forEach((name, i) => {
      const s = started[i];
      if (s?.status === 'fulfilled') running.set(name, s.value);
    });
    const failed = started.filter((s) => s.status === 'rejected');
    if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason;
  });

  after(async () => {
    for (const s of running.values()) await s.stop();
    await nats?.stop();
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${id}" CASCADE`);
    await db.end();
  });

  it('given each service logged in as its own user, when all four run, then admin, ingest and router are ready and no service met a permissions violation', async () => {
    for (const name of ['admin', 'ingest', 'router'] as const)
      await untilReady(name, running.get(name) as ServiceProcess);
    // ami-bridge: its NATS is up (Asterisk is not, here)
    const bridge = await readyz(running.get('ami-bridge') as ServiceProcess);
    assert.match(bridge.body, /"nats":\{"status":"up"/);
    // The one refusal expected: a service that started before the owner of a stream tried to create it
    // once (router: the phone stream and the users bucket; ingest: the buckets), then waited for it.
    const expected: Record<string, RegExp> = {
      router: /STREAM\.CREATE\.(SA_PHONE|KV_sa_users)\\"/,
      ingest: /STREAM\.CREATE\.KV_sa_(devices|keys|device_keys|users|radius_clients)\\"/,
    };
    for (const [name, service] of running) {
      const lines = service.lines.filter((l) => /permission|authoriz/i.test(l));
      const allowed = expected[name];
      assert.deepEqual(
        lines.filter((l) => !allowed?.test(l)),
        [],
        `${name}: unexpected log lines about permissions`,
      );
      const creates = lines.map((l) => /STREAM\.CREATE\.(\w+)/.exec(l)?.[1]);
      assert.equal(new Set(creates).size, creates.length, `${name} tried each create once: ${creates}`);
    }
  });

  it('given the set-secret user, when smart-set-secret sets a new server key, then admin answers and publishes it, and ingest (which reads the key ring) stays ready', async () => {
    const cli = join(repoRoot, 'services', 'admin', 'dist', 'cli', 'smart-set-secret.js');
    const env = { PATH: process.env.PATH, SA_BUS_PREFIX: 'sa', ...nats.envFor('set-secret') };
    const result = run(process.execPath, [cli, 'Abcdefgh12345678', '--overlap', '60'], { env });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    const withoutUser = run(process.execPath, [cli, 'Abcdefgh12345679'], {
      env: { PATH: process.env.PATH, NATS_URL: nats.url },
    });
    assert.notEqual(withoutUser.status, 0, 'no credentials, no key');
    assert.match(withoutUser.stderr, /authoriz/i);
    const routerAsCli = run(process.execPath, [cli, 'Abcdefgh12345670', '--timeout', '1000'], {
      env: { PATH: process.env.PATH, ...nats.envFor('router') },
    });
    assert.notEqual(routerAsCli.status, 0, "router's user may not ask for a new key");
    assert.match(routerAsCli.stderr, /permissions violation/i);
    const admin = running.get('admin') as ServiceProcess;
    await untilReady('admin', admin);
    await waitFor(
      () => running.get('ingest')?.lines.some((l) => /key ring|key_ring|keys? (loaded|changed)/i.test(l)),
      { what: 'the new key in ingest' },
    ).catch(() => {}); // informative only: ingest need not log it
    assert.ok(!admin.lines.some((l) => l.includes('outbox publish failed')), 'admin published the key ring');
    assert.equal((await readyz(running.get('ingest') as ServiceProcess)).status, 200);
    assert.deepEqual(
      admin.lines.filter((l) => /permission/i.test(l)),
      [],
    );
  });
});

// Issue 21, "No start-up race": whatever order router and ami-bridge start in, router writes every
// user's current target once both it and the AMI connection are up. On a real FreePBX ami-bridge
// announced its AMI login 32 ms before router listened, so router wrote nothing until the next
// reconnect and AstDB stayed stale. router + the real ami-bridge + the AMI test server, over real
// NATS and Redis; each test first lets a router commit and write every user's target (against
// another PBX), so the second start has nothing new to write and only a resync can fix the keys.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type AmiBridgeApp, buildAmiBridgeApp, loadAmiBridgeConfig } from '@sa/ami-bridge';
import { createLogger, ensurePhoneStream, openSnapshotBuckets, Redis, type ServiceApp } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { AmiTestServer } from '@sa/testkit/ami';
import { routerKeys } from '../src/adapters/redis/keys.js';
import { buildRouterApp } from '../src/app.js';
import { loadRouterConfig } from '../src/config.js';
import { NATS_URL, officeConfig, REDIS_URL, removeTestState, waitFor } from './harness.js';

const USERS = ['300', '301', '302', '303', '304', '305'];
const PARTITIONS = 4;
/** no presence: every user is on the default scenario, target 0170<ext> (external: '#' in grplist) */
const target = (ext: string) => `0170${ext}`;

class StartupStack {
  readonly prefix = `t_rs${randomBytes(4).toString('hex')}`;
  readonly names = busNames(this.prefix);
  nc!: NatsConnection;
  redis!: Redis;
  /** the PBX of the test: its AstDB holds stale keys from before */
  pbx!: AmiTestServer;
  private readonly bridges: AmiBridgeApp[] = [];
  private readonly routers: ServiceApp[] = [];
  private readonly servers: AmiTestServer[] = [];

  async setup(): Promise<this> {
    this.nc = await connect({ servers: NATS_URL });
    this.redis = new Redis(REDIS_URL);
    await ensurePhoneStream(this.nc, this.names);
    const { users } = await openSnapshotBuckets(this.nc, this.names);
    for (const ext of USERS) await users.put(ext, officeConfig(ext));
    await this.seed();
    this.pbx = await this.amiServer();
    for (const ext of USERS) {
      this.pbx.dbPut('SMARTASSISTANT', `${ext}/target`, 'stale');
      this.pbx.dbPut('AMPUSER', `${ext}/followme/ddial`, 'EXTENSION');
      this.pbx.dbPut('AMPUSER', `${ext}/followme/grplist`, 'stale');
    }
    return this;
  }

  /** A router commits and writes every user's target through ami-bridge to another PBX, then both stop. */
  private async seed(): Promise<void> {
    const other = await this.amiServer();
    const bridge = await this.startBridge(other);
    const router = await this.startRouter();
    await waitFor(
      () => USERS.every((ext) => other.dbGet('SMARTASSISTANT', `${ext}/target`) === target(ext)),
      'seed: every target written',
    );
    const keys = routerKeys(this.prefix);
    await waitFor(async () => {
      for (let p = 0; p < PARTITIONS; p++) if ((await this.redis.zcard(keys.unpushed(p))) > 0) return false;
      return true;
    }, 'seed: every write confirmed');
    await router.stop('seeded');
    await bridge.stop('seeded');
  }

  async amiServer(): Promise<AmiTestServer> {
    const s = await AmiTestServer.start();
    this.servers.push(s);
    return s;
  }

  async startBridge(pbx = this.pbx): Promise<AmiBridgeApp> {
    const bridge = await buildAmiBridgeApp(
      loadAmiBridgeConfig({
        NATS_URL,
        SA_BUS_PREFIX: this.prefix,
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
        AMI_PORT: String(pbx.port),
        AMI_USERNAME: pbx.options.username,
        AMI_SECRET: pbx.options.secret,
        AMI_KEEPALIVE_MS: '0',
        AMI_RECONNECT_MAX_MS: '200',
      }),
      createLogger('ami-bridge', 'silent'),
    );
    await bridge.start();
    this.bridges.push(bridge);
    return bridge;
  }

  async startRouter(): Promise<ServiceApp> {
    const router = await buildRouterApp(
      loadRouterConfig({
        NATS_URL,
        REDIS_URL,
        SA_BUS_PREFIX: this.prefix,
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
        ROUTER_PARTITIONS: String(PARTITIONS),
        ROUTER_SWEEP_MS: '50',
        ROUTER_LEASE_MS: '1500',
        ASTERISK_TARGET_MODE: 'both',
      }),
      createLogger('router', 'silent'),
    );
    await router.start();
    this.routers.push(router);
    return router;
  }

  /** Every user's own key and Follow-Me keys hold the current target in the test's PBX. */
  current(): boolean {
    const fm = (ext: string, key: string) => this.pbx.dbGet('AMPUSER', `${ext}/followme/${key}`);
    return USERS.every(
      (ext) =>
        this.pbx.dbGet('SMARTASSISTANT', `${ext}/target`) === target(ext) &&
        fm(ext, 'grplist') === `${target(ext)}#` &&
        fm(ext, 'ddial') === 'DIRECT',
    );
  }

  /** Returns once ami-bridge executed what router sent for these users so far (same order key). */
  async drain(): Promise<void> {
    for (const ext of USERS) {
      const cmd = v1.AmiCommand.create({
        requestId: 'marker',
        orderKey: ext,
        dbGet: { family: 'SMARTASSISTANT', key: `${ext}/target` },
      });
      await this.nc.request(this.names.amiCommand, encodeMessage(v1.AmiCommand, cmd, 'AmiCommand'), {
        timeout: 3000,
      });
    }
  }

  targetWrites(ext: string): number {
    return this.pbx.actions('DBPut').filter((m) => m.get('Key') === `${ext}/target`).length;
  }

  async teardown(): Promise<void> {
    for (const r of this.routers.splice(0)) await r.stop('test end').catch(() => {});
    for (const b of this.bridges.splice(0)) await b.stop('test end').catch(() => {});
    for (const s of this.servers.splice(0)) await s.stop();
    await removeTestState(this.nc, this.names, this.redis, this.prefix);
  }
}

describe('issue 21: no start-up race between router and ami-bridge', () => {
  let s: StartupStack;
  beforeEach(async () => {
    s = await new StartupStack().setup();
  });
  afterEach(() => s.teardown());

  test('given ami-bridge logged in to AMI before router starts, when router starts, then every target and Follow-Me key is written without an AMI reconnect', async () => {
    const bridge = await s.startBridge();
    await waitFor(() => bridge.ami.state === 'ready', 'ami-bridge logged in');
    await s.startRouter();
    await waitFor(() => s.current(), 'every user current in AstDB');
    await s.drain();
    assert.equal(s.pbx.actions('Login').length, 1, 'one AMI login session');
    assert.deepEqual(
      USERS.map((ext) => s.targetWrites(ext)),
      USERS.map(() => 1),
      'each user written once',
    );
  });

  test('given router started before ami-bridge, when ami-bridge logs in to AMI, then every target and Follow-Me key is written', async () => {
    await s.startRouter();
    const bridge = await s.startBridge();
    await waitFor(() => bridge.ami.state === 'ready', 'ami-bridge logged in');
    await waitFor(() => s.current(), 'every user current in AstDB');
    await s.drain();
    assert.equal(s.pbx.actions('Login').length, 1, 'one AMI login session');
    assert.deepEqual(
      USERS.map((ext) => s.targetWrites(ext)),
      USERS.map(() => 1),
      'each user written once',
    );
  });
});

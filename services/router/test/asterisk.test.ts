// router + the real ami-bridge + the AMI test server, over real NATS and Redis: FreePBX Follow-Me
// mode and the redirect of still-ringing calls when a user's target changes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type AmiBridgeApp, buildAmiBridgeApp, loadAmiBridgeConfig } from '@sa/ami-bridge';
import { createLogger, ensurePhoneStream, openSnapshotBuckets, Redis, type ServiceApp } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { AmiTestServer } from '@sa/testkit/ami';
import { routerKeys } from '../src/adapters/redis/keys.js';
import { type CallRecord, RedisUserStateStore } from '../src/adapters/redis/redis-user-state-store.js';
import { buildRouterApp } from '../src/app.js';
import { loadRouterConfig } from '../src/config.js';
import {
  CONF_AP,
  NATS_URL,
  OFFICE_AP,
  officeConfig,
  publishPresence,
  REDIS_URL,
  removeTestState,
  waitFor,
} from './harness.js';

class Stack {
  readonly prefix = `t_ra${randomBytes(4).toString('hex')}`;
  readonly names = busNames(this.prefix);
  readonly lifecycle: smartassistant.v1.ICallLifecycle[] = [];
  ami!: AmiTestServer;
  nc!: NatsConnection;
  redis!: Redis;
  bridge!: AmiBridgeApp;
  router!: ServiceApp;
  private readonly counters = new Map<string, number>();

  async start(routerEnv: Record<string, string>, users: readonly string[]): Promise<this> {
    this.ami = await AmiTestServer.start();
    this.nc = await connect({ servers: NATS_URL });
    this.redis = new Redis(REDIS_URL);
    this.nc.subscribe(this.names.callLifecycleAll, {
      callback: (_e, m) => void this.lifecycle.push(decodeMessage(v1.CallLifecycle, m.data, 'CallLifecycle')),
    });
    await ensurePhoneStream(this.nc, this.names);
    const { users: bucket } = await openSnapshotBuckets(this.nc, this.names);
    for (const ext of users) await bucket.put(ext, officeConfig(ext));
    const common = { NATS_URL, SA_BUS_PREFIX: this.prefix, OPS_PORT: '0', LOG_LEVEL: 'silent' };
    this.bridge = await buildAmiBridgeApp(
      loadAmiBridgeConfig({
        ...common,
        AMI_PORT: String(this.ami.port),
        AMI_USERNAME: this.ami.options.username,
        AMI_SECRET: this.ami.options.secret,
        AMI_KEEPALIVE_MS: '0',
        AMI_RECONNECT_MAX_MS: '200',
      }),
      createLogger('ami-bridge', 'silent'),
    );
    await this.bridge.start();
    this.router = await buildRouterApp(
      loadRouterConfig({
        ...common,
        REDIS_URL,
        ROUTER_SWEEP_MS: '50',
        ROUTER_LEASE_MS: '1500',
        HYSTERESIS_REPORTS: '2',
        ...routerEnv,
      }),
      createLogger('router', 'silent'),
    );
    await this.router.start();
    return this;
  }

  /** Two reports, so the hysteresis lets the location win. */
  async moveTo(extension: string, bssid: string): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const counter = (this.counters.get(extension) ?? 0) + 1;
      this.counters.set(extension, counter);
      const deviceId = `D${extension}`;
      await publishPresence(this.nc, this.names, {
        extension,
        deviceId,
        counter,
        bssid,
        msgId: `${deviceId}:${counter}`,
      });
    }
  }

  /** A call enters our context (the UserEvent our dialplan emits) and is redirected by ami-bridge. */
  async ringingCall(extension: string, n: number) {
    const ch = this.ami.addChannel({
      name: `PJSIP/trunk-${extension}${n}`,
      context: 'smartassistant',
      exten: extension,
      callerIdNum: '5551234',
    });
    this.ami.announceCall(ch, extension);
    await waitFor(
      () =>
        this.lifecycle.find(
          (l) => l.callId === ch.uniqueid && l.phase === v1.CallPhase.CALL_PHASE_REDIRECTED,
        ),
      `call ${ch.uniqueid} routed`,
    );
    return ch;
  }

  redirects(channel: string): string[] {
    return this.ami
      .actions('Redirect')
      .filter((m) => m.get('Channel') === channel)
      .map((m) => `${m.get('Context')},${m.get('Exten')},${m.get('Priority')}`);
  }

  /**
   * Returns once ami-bridge executed everything router sent for this user before now: a command with
   * the same order key is queued behind it.
   */
  async drainUser(extension: string): Promise<void> {
    const cmd = v1.AmiCommand.create({
      requestId: 'marker',
      orderKey: extension,
      dbGet: { family: 'SMARTASSISTANT', key: `${extension}/target` },
    });
    await this.nc.request(this.names.amiCommand, encodeMessage(v1.AmiCommand, cmd, 'AmiCommand'), {
      timeout: 3000,
    });
  }

  callLog(extension: string): Promise<CallRecord[]> {
    const store = new RedisUserStateStore(this.redis, routerKeys(this.prefix), {
      callLogLength: 10,
      callLogTtlS: 60,
    });
    return store.recentCalls(extension);
  }

  async stop(): Promise<void> {
    await this.router?.stop('test end').catch(() => {});
    await this.bridge?.stop('test end').catch(() => {});
    await this.ami?.stop();
    await removeTestState(this.nc, this.names, this.redis, this.prefix);
  }
}

describe('router with ami-bridge and the AMI test server: Follow-Me mode and ringing-call redirects on', () => {
  const s = new Stack();
  before(() =>
    s.start({ ASTERISK_TARGET_MODE: 'both', FOLLOWME_GRPTIME: '25', REDIRECT_RINGING_ON_CHANGE: 'true' }, [
      '240',
      '241',
      '250',
      '251',
    ]),
  );
  after(() => s.stop());
  const fm = (ext: string, key: string) => s.ami.dbGet('AMPUSER', `${ext}/followme/${key}`);

  test('given followme mode, when the target moves from the own desk to the conference room, then Follow-Me goes off then on with the room in grplist', async () => {
    await s.moveTo('240', OFFICE_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '240/target') === '240', 'desk target');
    await waitFor(() => fm('240', 'ddial') === 'EXTENSION', 'Follow-Me off for the own extension');
    await s.moveTo('240', CONF_AP);
    await waitFor(() => fm('240', 'ddial') === 'DIRECT', 'Follow-Me on');
    assert.deepEqual(
      ['grplist', 'grptime', 'prering', 'strategy'].map((k) => fm('240', k)),
      ['299', '25', '0', 'ringall'],
    );
    assert.equal(s.ami.dbGet('SMARTASSISTANT', '240/target'), '299');
  });

  test('given followme mode, when ami-bridge reconnects after Asterisk lost the keys, then the Follow-Me keys are pushed again', async () => {
    await s.moveTo('241', CONF_AP);
    await waitFor(() => fm('241', 'ddial') === 'DIRECT', 'Follow-Me on');
    s.ami.dbPut('AMPUSER', '241/followme/ddial', 'EXTENSION');
    s.ami.dbPut('AMPUSER', '241/followme/grplist', '');
    s.ami.dropConnections();
    await waitFor(() => fm('241', 'ddial') === 'DIRECT' && fm('241', 'grplist') === '299', 'resynced keys');
  });

  test('given a call routed to the desk and still ringing, when the target changes, then it is redirected to the new target and the call log says why', async () => {
    await s.moveTo('250', OFFICE_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '250/target') === '250', 'desk target');
    const ch = await s.ringingCall('250', 1);
    assert.deepEqual(s.redirects(ch.name), ['smartassistant-dial,250,1']);
    await s.moveTo('250', CONF_AP);
    await waitFor(() => s.redirects(ch.name).length === 2, 'second Redirect');
    assert.equal(s.redirects(ch.name)[1], 'smartassistant-dial,299,1');
    const moved = await waitFor(
      () =>
        s.lifecycle.find(
          (l) =>
            l.callId === ch.uniqueid &&
            l.phase === v1.CallPhase.CALL_PHASE_REDIRECTED &&
            l.destination === '299',
        ),
      'REDIRECTED to the new target',
    );
    assert.equal(moved.extension, '250');
    const log = await waitFor(async () => {
      const rows = await s.callLog('250');
      return rows.find((r) => r.callId === ch.uniqueid && r.redirectedFrom === '250');
    }, 'call log entry of the redirect');
    assert.equal(log.targetDial, '299');
    assert.match(String(log.reason), /redirected while ringing: target changed from 250 to 299/);
  });

  test('given a routed call that was answered, when the target changes, then it is not redirected again', async () => {
    await s.moveTo('251', OFFICE_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '251/target') === '251', 'desk target');
    const ch = await s.ringingCall('251', 1);
    s.ami.emitEvent([
      ['Event', 'Newstate'],
      ['Privilege', 'call,all'],
      ['Channel', ch.name],
      ['ChannelState', '6'],
      ['ChannelStateDesc', 'Up'],
      ['Uniqueid', ch.uniqueid],
    ]);
    await waitFor(
      () => s.lifecycle.find((l) => l.callId === ch.uniqueid && l.phase === v1.CallPhase.CALL_PHASE_ANSWERED),
      'ANSWERED',
    );
    await s.moveTo('251', CONF_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '251/target') === '299', 'conference target');
    await s.drainUser('251');
    assert.deepEqual(s.redirects(ch.name), ['smartassistant-dial,251,1']);
  });
});

describe('router with ami-bridge and the AMI test server: ringing-call redirects off (default)', () => {
  const s = new Stack();
  before(() => s.start({}, ['260']));
  after(() => s.stop());

  test('given the flag off and a call still ringing at the desk, when the target changes, then the call is left where it rings and no Follow-Me key is written', async () => {
    await s.moveTo('260', OFFICE_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '260/target') === '260', 'desk target');
    const ch = await s.ringingCall('260', 1);
    await s.moveTo('260', CONF_AP);
    await waitFor(() => s.ami.dbGet('SMARTASSISTANT', '260/target') === '299', 'conference target');
    await s.drainUser('260');
    assert.deepEqual(s.redirects(ch.name), ['smartassistant-dial,260,1']);
    assert.equal(s.ami.dbGet('AMPUSER', '260/followme/ddial'), undefined);
  });
});

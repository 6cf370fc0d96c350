// router + the real ami-bridge + the AMI test server, over real NATS and Redis: FreePBX Follow-Me
// mode (the `#` rule from AstDB's extension list, keys put back after a FreePBX reload or page save,
// users without a saved Follow Me reported) and the redirect of still-ringing calls when a user's
// target changes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type AmiBridgeApp, buildAmiBridgeApp, loadAmiBridgeConfig } from '@sa/ami-bridge';
import { createLogger, ensurePhoneStream, openSnapshotBuckets, Redis, type ServiceApp } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { AmiTestServer } from '@sa/testkit/ami';
import { routerKeys } from '../src/adapters/redis/keys.js';
import { RedisUserStateStore } from '../src/adapters/redis/redis-user-state-store.js';
import { buildRouterApp } from '../src/app.js';
import { loadRouterConfig } from '../src/config.js';
import type { CallRecord } from '../src/routing/ports.js';
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

  async start(
    routerEnv: Record<string, string>,
    users: readonly string[],
    options: {
      /** the users' configs (default: officeConfig) */
      config?: (ext: string) => Uint8Array;
      /** AstDB as FreePBX left it before router starts */
      seed?: (ami: AmiTestServer) => void;
      /** router's log lines */
      logs?: string[];
    } = {},
  ): Promise<this> {
    this.ami = await AmiTestServer.start();
    options.seed?.(this.ami);
    this.nc = await connect({ servers: NATS_URL });
    this.redis = new Redis(REDIS_URL);
    this.nc.subscribe(this.names.callLifecycleAll, {
      callback: (_e, m) => void this.lifecycle.push(decodeMessage(v1.CallLifecycle, m.data, 'CallLifecycle')),
    });
    await ensurePhoneStream(this.nc, this.names);
    const { users: bucket } = await openSnapshotBuckets(this.nc, this.names);
    for (const ext of users) await bucket.put(ext, (options.config ?? officeConfig)(ext));
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
      options.logs
        ? createLogger('router', 'info', { write: (line: string) => void options.logs?.push(line) })
        : createLogger('router', 'silent'),
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

describe('Follow-Me check at scale: 2,000 FreePBX extensions in AstDB (AMI test server)', () => {
  const VERIFY_S = 1;
  const RESTORED_WITHIN_MS = VERIFY_S * 1000 + 1500;
  /** far below ami-bridge's 1 MB AMI message limit and NATS's 1 MB default max_payload */
  const ANSWER_LIMIT = 256 * 1024;
  const s = new Stack();
  const logs: string[] = [];
  before(() =>
    s.start({ ASTERISK_TARGET_MODE: 'followme', FOLLOWME_VERIFY_S: String(VERIFY_S) }, ['230', '233'], {
      config: followMeConfig,
      logs,
      seed: (ami) => {
        // extensions 200-2199, each with a saved FreePBX 17 Follow Me (16 keys) except 233: about
        // 50,000 AMPUSER keys, ~4 MB as one `database show AMPUSER`
        for (let n = 200; n < 2200; n++) {
          const ext = String(n);
          ami.addFreePbxExtension(ext);
          if (ext !== '233') ami.followMePageSave(ext, { grplist: '99999#', strategy: 'ringall' });
        }
      },
    }),
  );
  after(() => s.stop());
  const fm = (ext: string, key: string) => s.ami.dbGet('AMPUSER', `${ext}/followme/${key}`);
  const routerKeys = (ext: string) =>
    ['grplist', 'grptime', 'prering', 'strategy', 'ddial'].map((k) => `${k}=${fm(ext, k)}`).join(' ');

  test('given 2,000 extensions with saved Follow Me, when checked every second, then the extension list is read, a page save is repaired within one check, 233 is reported, and every AMI answer stays far below 1 MB', async () => {
    await s.moveTo('230', CONF_AP);
    // room 100 is no extension in AstDB (the pattern alone would write it plain)
    const wanted = 'grplist=100# grptime=20 prering=0 strategy=ringall ddial=DIRECT';
    await waitFor(() => routerKeys('230') === wanted, 'router keys for room 100 (100#)');
    const t0 = Date.now();
    s.ami.followMePageSave('230', { grplist: '600#', strategy: 'ringallv2-prim', prering: 7 });
    await waitFor(() => routerKeys('230') === wanted, 'router keys back after the page save', 10_000);
    const took = Date.now() - t0;
    assert.ok(took <= RESTORED_WITHIN_MS, `restored after ${took} ms`);
    await waitFor(
      () =>
        logs.some((l) => l.includes('"code":"ROUTER_FOLLOWME_MISSING"') && l.includes('"extension":"233"')),
      '233 reported without a saved Follow Me',
    );
    assert.ok(!logs.some((l) => l.includes('ROUTER_FOLLOWME_READ_FAILED')), 'no failed read');
    assert.ok(
      !logs.some((l) => l.includes('"code":"ROUTER_FOLLOWME_MISSING"') && l.includes('"extension":"230"')),
      '230 has a saved Follow Me',
    );
    const answers = s.ami.commandAnswers;
    assert.ok(answers.length > 0, 'router read AstDB through the Command action');
    const largest = answers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    assert.ok(
      largest.bytes < ANSWER_LIMIT,
      `largest Command answer ${largest.bytes} bytes (${largest.command}), limit ${ANSWER_LIMIT}`,
    );
  });
});

const AWAY_AP = 'aa:bb:cc:00:00:03';
const COLLEAGUE_AP = 'aa:bb:cc:00:00:04';

/** Desk = own extension, conference room 100 and away 600 (no FreePBX extensions), colleague 231 + mobile. */
function followMeConfig(extension: string): Uint8Array {
  const target = (id: string, dial: string) => ({ id, name: `SMART-${id}`, dial, generic: true });
  const loc = (id: string) => ({ kind: v1.RuleKind.RULE_KIND_LOCATION, locationId: id });
  const place = (id: string, bssid: string) => ({ id, name: id, ssids: [], bssids: [bssid] });
  const cfg = v1.UserConfig.create({
    extension,
    revision: 1,
    locations: [
      place('office', OFFICE_AP),
      place('conf', CONF_AP),
      place('away', AWAY_AP),
      place('colleague', COLLEAGUE_AP),
    ],
    scenarios: [
      { id: 'desk', name: 'Desk', priority: 10, rules: [loc('office')], target: target('desk', extension) },
      { id: 'conf', name: 'Conference', priority: 5, rules: [loc('conf')], target: target('conf', '100') },
      { id: 'away', name: 'Away', priority: 6, rules: [loc('away')], target: target('away', '600') },
      {
        id: 'colleague',
        name: 'Colleague',
        priority: 7,
        rules: [loc('colleague')],
        target: target('colleague', '231-01715551234'),
      },
      { id: 'desk-default', name: 'Default', priority: 100, isDefault: true, target: target('d', extension) },
    ],
  });
  return encodeMessage(v1.UserConfig, cfg, 'UserConfig');
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('issue 21: router Follow-Me mode against FreePBX 17 / Issabel 2.x behaviour (AMI test server hooks)', () => {
  const VERIFY_S = 1;
  /** documented: FreePBX's change is undone within one FOLLOWME_VERIFY_S plus one read and write */
  const RESTORED_WITHIN_MS = VERIFY_S * 1000 + 1500;
  const s = new Stack();
  const logs: string[] = [];
  let ops = '';
  before(async () => {
    const port = await freePort();
    ops = `http://127.0.0.1:${port}`;
    await s.start(
      { ASTERISK_TARGET_MODE: 'followme', FOLLOWME_VERIFY_S: String(VERIFY_S), OPS_PORT: String(port) },
      ['230', '232', '233', '234'],
      {
        config: followMeConfig,
        logs,
        seed: (ami) => {
          // FreePBX extensions 230-233 (231 is the colleague); 100 and 600 are Misc Destinations /
          // numbers without AMPUSER keys; 234 uses Smart Assistant but is no FreePBX extension
          for (const ext of ['230', '231', '232', '233']) ami.addFreePbxExtension(ext);
          // the manual's Follow Me for 230 and 232; 233 never saved its Follow Me page
          const manual = { grplist: '99999#', strategy: 'ringall', postdest: 'customdests,dest-1,1' };
          ami.followMePageSave('230', manual);
          ami.followMePageSave('232', manual, 'issabel2');
        },
      },
    );
  });
  after(() => s.stop());
  const fm = (ext: string, key: string) => s.ami.dbGet('AMPUSER', `${ext}/followme/${key}`);
  const routerKeys = (ext: string) =>
    ['grplist', 'grptime', 'prering', 'strategy', 'ddial'].map((k) => `${k}=${fm(ext, k)}`).join(' ');

  test('given AstDB lists 230-233 as FreePBX extensions, when the target is room 100, away 600, then colleague 231 with a mobile, then grplist is 100#, 600#, then plain 231 with the mobile #', async () => {
    await s.moveTo('230', CONF_AP);
    await waitFor(
      () => fm('230', 'grplist') === '100#' && fm('230', 'ddial') === 'DIRECT',
      'room 100 as 100#',
    );
    await s.moveTo('230', AWAY_AP);
    await waitFor(() => fm('230', 'grplist') === '600#', 'away 600 as 600#');
    await s.moveTo('230', COLLEAGUE_AP);
    await waitFor(() => fm('230', 'grplist') === '231-01715551234#', 'colleague 231 plain, mobile with #');
    assert.equal(fm('230', 'ddial'), 'DIRECT');
    assert.equal(
      fm('230', 'postdest'),
      'customdests,dest-1,1',
      "the page's no-answer destination is left alone",
    );
    await s.moveTo('230', OFFICE_AP);
    await waitFor(() => fm('230', 'ddial') === 'EXTENSION', 'Follow-Me off at the desk');
  });

  test('given router keys in place, when the Follow Me page is saved (tree deleted and rewritten from the form), then router puts its keys back within one check', async () => {
    await s.moveTo('232', CONF_AP);
    const wanted = 'grplist=100# grptime=20 prering=0 strategy=ringall ddial=DIRECT';
    await waitFor(() => routerKeys('232') === wanted, 'router keys for room 100');
    const t0 = Date.now();
    s.ami.followMePageSave('232', { grplist: '100', prering: 7, ddial: 'EXTENSION' }, 'issabel2');
    assert.equal(fm('232', 'strategy'), undefined, 'the Issabel page writes no strategy');
    await waitFor(() => routerKeys('232') === wanted, 'router keys back after the page save', 10_000);
    const took = Date.now() - t0;
    assert.ok(took <= RESTORED_WITHIN_MS, `restored after ${took} ms`);
    assert.equal(fm('232', 'grpconf'), 'DISABLED', 'keys router does not own stay as the page wrote them');
  });

  test('given router keys in place, when FreePBX 17 reloads with the GUI default strategy (ringallv2-prim), then strategy is ringall again within one check', async () => {
    await s.moveTo('230', CONF_AP);
    await waitFor(() => fm('230', 'grplist') === '100#' && fm('230', 'ddial') === 'DIRECT', 'room 100');
    await waitFor(() => fm('230', 'strategy') === 'ringall', 'strategy ringall');
    const t0 = Date.now();
    s.ami.freepbxReload('230', { postdest: 'customdests,dest-1,1' });
    assert.equal(fm('230', 'strategy'), 'ringallv2-prim');
    await waitFor(() => fm('230', 'strategy') === 'ringall', 'strategy back to ringall', 10_000);
    const took = Date.now() - t0;
    assert.ok(took <= RESTORED_WITHIN_MS, `restored after ${took} ms`);
    assert.equal(routerKeys('230'), 'grplist=100# grptime=20 prering=0 strategy=ringall ddial=DIRECT');
  });

  test('given 233 never saved its Follow Me and 234 is no FreePBX extension, when checked, then each is warned about once with the fix and shown in the ops answer and metric until the page is saved', async () => {
    type Answer = { followMe: { status: string; fix: string | null } | null };
    const answer = async (ext: string) => (await (await fetch(`${ops}/decisions/${ext}`)).json()) as Answer;
    const a233 = await waitFor(async () => {
      const a = await answer('233');
      return a.followMe?.status === 'no-followme' && a;
    }, '233 reported');
    assert.match(
      String(a233.followMe?.fix),
      /^Applications > Follow Me for 233: save once with ring strategy ringall/,
    );
    assert.equal((await answer('234')).followMe?.status, 'not-an-extension');
    assert.equal((await answer('230')).followMe?.status, 'ok');
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    assert.match(metrics, /sa_router_followme_missing\{reason="no-followme"[^}]*\} 1\n/);
    assert.match(metrics, /sa_router_followme_missing\{reason="not-an-extension"[^}]*\} 1\n/);
    const checks = () =>
      s.ami.actions('Command').filter((m) => m.get('Command') === 'database showkey cidname').length;
    const seen = checks();
    await waitFor(() => checks() >= seen + 2, 'two more checks');
    const warnings = logs.filter(
      (l) => l.includes('"code":"ROUTER_FOLLOWME_MISSING"') && l.includes('"extension":"233"'),
    );
    assert.equal(warnings.length, 1, 'one warning per user');
    assert.match(
      warnings[0] ?? '',
      /233 has no saved Follow Me.*Fix: Applications > Follow Me for 233: save once/,
    );

    s.ami.followMePageSave('233', { grplist: '99999#', strategy: 'ringall' });
    await waitFor(async () => (await answer('233')).followMe?.status === 'ok', '233 ok after the page save');
    assert.ok(logs.some((l) => l.includes('Follow Me for 233 is saved now')));
  });
});

// ami-bridge against real NATS and the AMI test server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';

import { testUrls, uniqueName, waitFor } from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';
import { type AmiBridgeApp, buildAmiBridgeApp } from './app.js';
import { loadAmiBridgeConfig } from './config.js';

describe('ami-bridge with real NATS and the AMI test server', () => {
  const prefix = uniqueName('ami');
  const names = busNames(prefix);
  let server: AmiTestServer;
  let app: AmiBridgeApp;
  let nc: NatsConnection;
  const connected: smartassistant.v1.IAmiConnected[] = [];
  const disconnected: smartassistant.v1.IAmiDisconnected[] = [];
  const lifecycle: smartassistant.v1.ICallLifecycle[] = [];

  before(async () => {
    server = await AmiTestServer.start();
    nc = await connect({ servers: testUrls.nats });
    nc.subscribe(names.amiConnected, {
      callback: (_e, m) => void connected.push(decodeMessage(v1.AmiConnected, m.data, 'AmiConnected')),
    });
    nc.subscribe(names.amiDisconnected, {
      callback: (_e, m) =>
        void disconnected.push(decodeMessage(v1.AmiDisconnected, m.data, 'AmiDisconnected')),
    });
    nc.subscribe(names.callLifecycleAll, {
      callback: (_e, m) => void lifecycle.push(decodeMessage(v1.CallLifecycle, m.data, 'CallLifecycle')),
    });
    const config = loadAmiBridgeConfig({
      NATS_URL: testUrls.nats,
      SA_BUS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      OPS_PORT: '0',
      AMI_PORT: String(server.port),
      AMI_SECRET: 'amisecret',
      AMI_KEEPALIVE_MS: '0',
      AMI_RECONNECT_MAX_MS: '200',
      CALL_WAIT_MS: '2000',
    });
    app = await buildAmiBridgeApp(config, createLogger('ami-bridge', 'silent'));
    await app.start();
    await waitFor(() => connected.length > 0, { timeoutMs: 5000, what: 'AmiConnected' });
  });

  after(async () => {
    await app.stop('test end');
    await server.stop();
    await nc.drain();
  });

  async function command(c: smartassistant.v1.IAmiCommand): Promise<smartassistant.v1.IAmiResult> {
    const reply = await nc.request(
      names.amiCommand,
      encodeMessage(v1.AmiCommand, v1.AmiCommand.create(c), 'AmiCommand'),
      { timeout: 3000 },
    );
    return decodeMessage(v1.AmiResult, reply.data, 'AmiResult');
  }

  test('given DBPut over NATS, when executed, then the test server AstDB holds the value and DBGet returns it', async () => {
    const put = await command({
      requestId: 'r1',
      orderKey: '230',
      dbPut: { family: 'SMARTASSISTANT', key: '230/target', value: '100' },
    });
    assert.equal(put.ok, true);
    assert.equal(server.dbGet('SMARTASSISTANT', '230/target'), '100');
    const get = await command({
      requestId: 'r2',
      orderKey: '230',
      dbGet: { family: 'SMARTASSISTANT', key: '230/target' },
    });
    assert.equal(get.fields?.Val, '100');
    const missing = await command({ requestId: 'r3', dbGet: { family: 'SMARTASSISTANT', key: 'nope' } });
    assert.deepEqual(
      [missing.ok, missing.errorCode, missing.message],
      [false, 'AMI_ACTION_FAILED', 'Database entry not found'],
    );
    const del = await command({ requestId: 'r4', dbDel: { family: 'SMARTASSISTANT', key: 'nope' } });
    assert.equal(del.ok, true, 'deleting a missing key is idempotent');
  });

  test('given DbShow over NATS, when executed, then ami-bridge sends `database show <family>/<key>` and returns the entries; a bad token never reaches Asterisk', async () => {
    server.followMePageSave('232', { grplist: '100#', prering: 0 }, 'issabel2');
    const r = await command({ requestId: 's1', dbShow: { family: 'AMPUSER', key: '232/followme' } });
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.dbEntries?.map((e) => [e.key, e.value]),
      [
        ['/AMPUSER/232/followme/changecid', 'default'],
        ['/AMPUSER/232/followme/ddial', 'DIRECT'],
        ['/AMPUSER/232/followme/fixedcid', ''],
        ['/AMPUSER/232/followme/grpconf', 'DISABLED'],
        ['/AMPUSER/232/followme/grplist', '100#'],
        ['/AMPUSER/232/followme/grptime', '20'],
        ['/AMPUSER/232/followme/prering', '0'],
      ],
    );
    assert.ok(
      server.actions('Command').some((m) => m.get('Command') === 'database show AMPUSER/232/followme'),
    );
    const sent = server.actions('Command').length;
    const bad = await command({
      requestId: 's2',
      dbShow: { family: 'AMPUSER', key: '232 followme; core stop now' },
    });
    assert.deepEqual([bad.ok, bad.errorCode], [false, 'AMI_BRIDGE_COMMAND_INVALID']);
    assert.equal(server.actions('Command').length, sent);
  });

  test('given DbShowKey over NATS, when executed, then ami-bridge sends `database showkey <key>` and returns every entry ending in /<key>; a bad key never reaches Asterisk', async () => {
    server.followMePageSave('233', { grplist: '100#' }, 'issabel2');
    server.dbPut('RINGGROUP', '600/changecid', 'default');
    const r = await command({ requestId: 'k1', dbShowKey: { key: 'changecid' } });
    assert.equal(r.ok, true);
    const entries = r.dbEntries?.map((e) => [e.key, e.value]) ?? [];
    assert.deepEqual(
      entries.filter(([k]) => k === '/AMPUSER/233/followme/changecid' || k?.startsWith('/RINGGROUP/')),
      [
        ['/AMPUSER/233/followme/changecid', 'default'],
        ['/RINGGROUP/600/changecid', 'default'],
      ],
    );
    assert.ok(entries.every(([k]) => k?.endsWith('/changecid')));
    assert.ok(server.actions('Command').some((m) => m.get('Command') === 'database showkey changecid'));
    const sent = server.actions('Command').length;
    const bad = await command({ requestId: 'k2', dbShowKey: { key: 'changecid; core stop now' } });
    assert.deepEqual([bad.ok, bad.errorCode], [false, 'AMI_BRIDGE_COMMAND_INVALID']);
    assert.equal(server.actions('Command').length, sent);
  });

  test('given many commands for one user, when sent at once, then they reach Asterisk in order', async () => {
    const n = 30;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        command({
          requestId: `o${i}`,
          orderKey: '231',
          dbPut: { family: 'SMARTASSISTANT', key: '231/target', value: String(i) },
        }),
      ),
    );
    const seen = server
      .actions('DBPut')
      .filter((m) => m.get('Key') === '231/target')
      .map((m) => Number(m.get('Val')));
    assert.deepEqual(
      seen,
      Array.from({ length: n }, (_, i) => i),
    );
    assert.equal(server.dbGet('SMARTASSISTANT', '231/target'), String(n - 1));
  });

  test('given an invalid command, when sent, then the reply carries a typed error code', async () => {
    const r = await command({ requestId: 'bad', dbPut: { family: 'F' } });
    assert.deepEqual([r.ok, r.errorCode], [false, 'AMI_BRIDGE_COMMAND_INVALID']);
  });

  test('given a connected bridge, when asked for the AMI status, then it answers connected with the login its AmiConnected announced', async () => {
    const request = encodeMessage(v1.AmiStatusRequest, v1.AmiStatusRequest.create(), 'AmiStatusRequest');
    const reply = await nc.request(names.amiStatus, request, { timeout: 3000 });
    const status = decodeMessage(v1.AmiStatusReply, reply.data, 'AmiStatusReply');
    const last = connected.at(-1);
    assert.equal(status.connected, true);
    assert.ok(status.bridgeId, 'a bridge id');
    assert.deepEqual([status.bridgeId, status.session], [last?.bridgeId, last?.session]);
  });

  test('given a waiting call announced by UserEvent, when router answers, then the channel is redirected within the wait budget', async () => {
    const sub = nc.subscribe(names.callArrived, {
      queue: 'router',
      callback: (_e, m) => {
        const arrived = decodeMessage(v1.CallArrived, m.data, 'CallArrived');
        const decision = v1.RouteDecision.create({
          callId: arrived.callId,
          extension: arrived.extension,
          targetDial: '0171555123',
          decidedAtMs: Date.now(),
        });
        m.respond(encodeMessage(v1.RouteDecision, decision, 'RouteDecision'));
      },
    });
    // the stub is known to the server before ami-bridge asks (a request racing it gets no responders)
    await nc.flush();
    const ch = server.addChannel({
      name: 'PJSIP/trunk-00000042',
      context: 'smartassistant',
      exten: '230',
      callerIdNum: '5551234',
    });
    const announcedAt = Date.now();
    server.announceCall(ch, '230');
    const redirect = await server.waitForAction(
      (m) => m.get('Action') === 'Redirect' && m.get('Channel') === ch.name,
      2000,
    );
    assert.ok(Date.now() - announcedAt < 2000);
    assert.deepEqual(
      [redirect.get('Context'), redirect.get('Exten'), redirect.get('Priority')],
      ['smartassistant-dial', '0171555123', '1'],
    );
    await waitFor(
      () => lifecycle.find((l) => l.callId === ch.uniqueid && l.phase === v1.CallPhase.CALL_PHASE_REDIRECTED),
      { timeoutMs: 2000, what: 'REDIRECTED' },
    );
    server.emitEvent({
      Event: 'Hangup',
      Privilege: 'call,all',
      Channel: ch.name,
      Uniqueid: ch.uniqueid,
      Cause: '16',
      'Cause-txt': 'Normal Clearing',
    });
    const hung = await waitFor(
      () => lifecycle.find((l) => l.callId === ch.uniqueid && l.phase === v1.CallPhase.CALL_PHASE_HUNG_UP),
      { timeoutMs: 2000, what: 'HUNG_UP' },
    );
    assert.equal(hung.destination, '0171555123');
    sub.unsubscribe();
  });

  test('given AstDB-first calls, when router agrees with the target dialled, then nothing is redirected; when AstDB was behind, then the ringing call is moved to the current target', async () => {
    const asked: smartassistant.v1.ICallArrived[] = [];
    const sub = nc.subscribe(names.callArrived, {
      queue: 'router',
      callback: (_e, m) => {
        const arrived = decodeMessage(v1.CallArrived, m.data, 'CallArrived');
        asked.push(arrived);
        const decision = v1.RouteDecision.create({
          callId: arrived.callId,
          extension: arrived.extension,
          targetDial: '299',
          decidedAtMs: Date.now(),
        });
        m.respond(encodeMessage(v1.RouteDecision, decision, 'RouteDecision'));
      },
    });
    // the stub is known to the server before ami-bridge asks (a request racing it gets no responders)
    await nc.flush();
    try {
      const current = server.addChannel({
        name: 'PJSIP/trunk-00000051',
        context: 'smartassistant',
        exten: '230',
      });
      server.announceCall(current, '230', 'SmartAssistantCall', '299');
      const routed = await waitFor(
        () =>
          lifecycle.find((l) => l.callId === current.uniqueid && l.phase === v1.CallPhase.CALL_PHASE_ROUTED),
        { timeoutMs: 5000, what: 'ROUTED' },
      );
      assert.equal(routed.destination, '299');
      assert.deepEqual(
        [asked[0]?.astdbFirst, asked[0]?.dialledTarget],
        [true, '299'],
        'router is told the call already dials 299',
      );

      const stale = server.addChannel({
        name: 'PJSIP/trunk-00000052',
        context: 'smartassistant',
        exten: '230',
      });
      server.announceCall(stale, '230', 'SmartAssistantCall', '230');
      const redirect = await server.waitForAction(
        (m) => m.get('Action') === 'Redirect' && m.get('Channel') === stale.name,
        5000,
      );
      assert.deepEqual([redirect.get('Context'), redirect.get('Exten')], ['smartassistant-dial', '299']);
      assert.equal(
        server.received.some(
          (r) => r.message.get('Action') === 'Redirect' && r.message.get('Channel') === current.name,
        ),
        false,
        'the call that already rang the current target was left alone',
      );
    } finally {
      sub.unsubscribe();
    }
  });

  test('given a connected bridge, when the AMI server drops the connection, then AmiDisconnected, readiness down, then AmiConnected again', async () => {
    const before = connected.length;
    server.dropConnections();
    await waitFor(() => disconnected.length > 0, { timeoutMs: 3000, what: 'AmiDisconnected' });
    await waitFor(() => connected.length > before, { timeoutMs: 5000, what: 'AmiConnected after reconnect' });
    assert.ok((connected.at(-1)?.session ?? 0) > (disconnected.at(-1)?.session ?? 0) - 1);
    const ready = await fetch(`${app.opsAddress()}/readyz`);
    assert.equal(ready.status, 200);
    const put = await command({
      requestId: 'after',
      orderKey: '230',
      dbPut: { family: 'SMARTASSISTANT', key: '230/target', value: '101' },
    });
    assert.equal(put.ok, true);
  });

  test('given a stalled AMI server, when the link is dropped, then /readyz reports down until AMI is ready again', async () => {
    server.stall();
    server.dropConnections();
    await waitFor(async () => (await fetch(`${app.opsAddress()}/readyz`)).status === 503, {
      timeoutMs: 3000,
      what: 'readyz 503',
    });
    const r = await command({ requestId: 'down', dbGet: { family: 'F', key: 'k' } });
    assert.equal(r.errorCode === 'AMI_NOT_CONNECTED' || r.errorCode === 'AMI_ACTION_TIMEOUT', true);
    server.resume();
    server.dropConnections();
    await waitFor(async () => (await fetch(`${app.opsAddress()}/readyz`)).status === 200, {
      timeoutMs: 8000,
      what: 'readyz 200',
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { v1 } from '@sa/proto';
import { decodeState } from '../src/routing/state-codec.js';
import { CONF_AP, Harness, OFFICE_AP, waitFor } from './harness.js';

describe('router with real NATS JetStream and Redis', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().setup();
    for (const ext of ['230', '231', '232', '233', '234', '235']) await h.putConfig(ext);
    await h.startRouter({ PRESENCE_TIMEOUT_S: '2', HYSTERESIS_REPORTS: '2' });
  });
  after(() => h.teardown());

  test('given a phone joining Office then Conference, then AstDB follows and a call gets the current target', async () => {
    await h.presence('230', 'D230', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('230') === '230', 'desk target in AstDB');
    assert.equal(h.lastAstDb('230', 'scenario'), 'Desk');
    await h.presence('230', 'D230', 2, CONF_AP);
    await h.presence('230', 'D230', 3, CONF_AP);
    await waitFor(() => h.lastAstDb('230') === '299', 'conference target after hysteresis');
    const decision = await h.callArrived('230', 'call-1');
    assert.equal(decision.targetDial, '299');
    assert.equal(decision.fallback, false);
    assert.match(decision.reason, /connected to BSSID aa:bb:cc:00:00:02 = location Conference/);
  });

  test('given AstDB-first calls, then each is recorded with the target it rang and why, and one that dialled a stale target is recorded as moved', async () => {
    await waitFor(() => h.lastAstDb('230') === '299', 'conference target (previous test)');
    const agreed = await h.callArrived('230', 'call-first-1', '299');
    assert.equal(agreed.targetDial, '299');
    const stale = await h.callArrived('230', 'call-first-2', '230');
    assert.equal(
      stale.targetDial,
      '299',
      'the answer is the current target, so ami-bridge can move the call',
    );
    const log = await waitFor(async () => {
      const l = await h.callLog('230');
      return l.some((c) => c.callId === 'call-first-2') && l;
    }, 'both calls in the call log');
    const first = log.find((c) => c.callId === 'call-first-1');
    const second = log.find((c) => c.callId === 'call-first-2');
    assert.equal(first?.targetDial, '299');
    assert.equal(first?.redirectedFrom, undefined);
    assert.match(String(first?.reason), /location Conference/);
    assert.equal(second?.targetDial, '299');
    assert.equal(second?.redirectedFrom, '230');
    assert.match(String(second?.reason), /^AstDB still held 230: moved to 299 \(.*location Conference/);
  });

  test('given a phone that goes silent past the timeout, then the sweep falls back to the default', async () => {
    await h.presence('231', 'D231', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('231') === '231', 'desk target');
    await waitFor(() => h.lastAstDb('231') === '0170231', 'default target after timeout', 10_000);
    assert.equal(h.lastAstDb('231', 'scenario'), 'Mobile');
  });

  test('given redelivered and reordered events, then state never moves backwards', async () => {
    await h.presence('232', 'D232', 10, OFFICE_AP);
    await waitFor(() => h.lastAstDb('232') === '232', 'desk target');
    const deskVersion = decodeState((await h.storedState('232'))!).state.decision?.version;
    await h.presence('232', 'D232', 8, CONF_AP); // older counter, arrives later
    await h.presence('232', 'D232', 9, CONF_AP);
    await h.presence('232', 'D232', 10, CONF_AP); // redelivery of the same counter
    await h.presence('232', 'D232', 11, OFFICE_AP); // a newer report, processed after the stale ones
    await waitFor(async () => {
      const raw = await h.storedState('232');
      return raw && decodeState(raw).state.devices.find((d) => d.id === 'D232')?.counter === 11;
    }, 'counter 11 applied');
    const state = decodeState((await h.storedState('232'))!);
    assert.equal(state.state.decision?.scenarioId, 'desk');
    assert.equal(state.state.decision?.version, deskVersion);
    const writes = h.astdb.get('232/target')?.map((c) => c.value) ?? [];
    assert.equal(writes[writes.length - 1], '232');
    assert.ok(!writes.includes('299'), `conference was never written: ${writes.join(',')}`);
  });

  test('given ami-bridge reconnects, then every current target is written again', async () => {
    await h.presence('233', 'D233', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('233') === '233', 'desk target');
    const before = h.astdb.get('233/target')?.length ?? 0;
    h.nc.publish(h.names.amiConnected, new Uint8Array());
    await waitFor(() => (h.astdb.get('233/target')?.length ?? 0) > before, 'resync DbPut for 233');
    assert.equal(h.lastAstDb('233'), '233');
  });

  test('given ami-bridge is down, when a target changes, then the write is retried until it is back', async () => {
    h.amiUp = false;
    await h.presence('234', 'D234', 1, OFFICE_AP);
    await waitFor(async () => {
      const raw = await h.storedState('234');
      return raw && decodeState(raw).state.decision?.targetDial === '234';
    }, 'decision committed while ami-bridge is down');
    const dropped = h.amiDropped;
    await waitFor(() => h.amiDropped > dropped, 'a write attempt that ami-bridge did not answer');
    assert.notEqual(h.lastAstDb('234'), '234');
    h.amiUp = true;
    await waitFor(() => h.lastAstDb('234') === '234', 'write delivered after ami-bridge returns');
  });

  test('given one device reporting through the app and through the Wi-Fi network (RADIUS accounting), then each source is a record of its own and the fresher one places the user', async () => {
    const WIFI = v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING;
    const t0 = Date.now();
    await h.presence('235', 'D235', 1, OFFICE_AP, t0);
    await h.presence('235', 'D235', 2, OFFICE_AP, t0 + 1);
    await waitFor(() => h.lastAstDb('235') === '235', 'the app places the user at the desk');
    // the Wi-Fi reports count in ingest's clock (far above the app's 1, 2): a record of their own
    await h.presence('235', 'D235', t0 + 1000, CONF_AP, t0 + 1000, WIFI);
    await h.presence('235', 'D235', t0 + 1001, CONF_AP, t0 + 1001, WIFI);
    await waitFor(
      () => h.lastAstDb('235') === '299',
      'the fresher Wi-Fi report moves the user to the conference room',
    );
    const state = decodeState((await h.storedState('235'))!);
    assert.deepEqual(state.state.devices.map((d) => d.id).sort(), ['D235', 'D235~wifi']);
    // the app's counter 3 is below the Wi-Fi record's, yet it is applied: the sources never order each other
    await h.presence('235', 'D235', 3, OFFICE_AP, t0 + 2000);
    await h.presence('235', 'D235', 4, OFFICE_AP, t0 + 2001);
    await waitFor(
      () => h.lastAstDb('235') === '235',
      'the fresher app report places the user at the desk again',
    );
  });
});

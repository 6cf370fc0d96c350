// Issue 15: the console's board kept saying "no presence reported yet" after a phone reported an
// unknown network: the report does not change the scenario (default before, default after), so
// router sent no ScenarioChanged. Every applied report is now announced as DeviceReported.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { Harness, waitFor } from './harness.js';

type Reported = smartassistant.v1.DeviceReported;
type Changed = smartassistant.v1.ScenarioChanged;

describe('DeviceReported (issue 15)', () => {
  let h: Harness;
  const reported: Reported[] = [];
  const changed: Changed[] = [];

  before(async () => {
    h = await new Harness().setup();
    h.nc.subscribe(h.names.deviceReportedAll, {
      callback: (_e, m) => {
        reported.push(decodeMessage(v1.DeviceReported, m.data, 'DeviceReported'));
      },
    });
    h.nc.subscribe(h.names.scenarioChangedAll, {
      callback: (_e, m) => {
        changed.push(decodeMessage(v1.ScenarioChanged, m.data, 'ScenarioChanged'));
      },
    });
    await h.nc.flush();
    await h.putConfig('240');
    await h.startRouter({ PRESENCE_TIMEOUT_S: '90' });
  });
  after(() => h.teardown());

  test('given a user in the default scenario, when a phone reports a network no location knows, then no ScenarioChanged follows but a DeviceReported names the device, its network and the new reason', async () => {
    await waitFor(() => changed.find((c) => c.extension === '240'), 'the start-up decision of 240');
    assert.match(changed[0]!.reason, /no presence reported yet/);
    const atMs = Date.now();
    const report = v1.PresenceReported.create({
      deviceId: 'D240HOME',
      extension: '240',
      counter: 1,
      sentAtMs: atMs,
      receivedAtMs: atMs,
      connected: { ssid: 'HomeNet', bssid: 'de:ad:be:ef:00:01', rssiDbm: -48 },
      visible: [{ ssid: 'Neighbour', bssid: 'de:ad:be:ef:00:02', rssiDbm: -60 }],
    });
    await jetstream(h.nc).publish(
      h.names.presence('240'),
      encodeMessage(v1.PresenceReported, report, 'PresenceReported'),
      { msgID: `D240HOME:1:${randomBytes(2).toString('hex')}` },
    );
    const r = await waitFor(
      () => reported.find((x) => x.deviceId === 'D240HOME'),
      'DeviceReported of D240HOME',
    );
    assert.equal(r.extension, '240');
    assert.equal(Number(r.counter), 1);
    assert.equal(Number(r.reportedAtMs), atMs);
    assert.equal(r.connected?.ssid, 'HomeNet');
    assert.equal(r.connected?.bssid, 'de:ad:be:ef:00:01');
    assert.deepEqual(
      r.visible.map((n) => n.ssid),
      ['Neighbour'],
    );
    assert.equal(r.locationId, '');
    assert.equal(r.locationName, '');
    assert.equal(r.scenarioName, 'Mobile');
    assert.equal(r.targetDial, '0170240');
    assert.match(r.reason, /device D240HOME connected to .*no rule matched; default scenario "Mobile"/);
    assert.equal(Number(r.version), Number(changed[0]!.version));
    assert.equal(Number(r.presenceTimeoutMs), 90_000);
    assert.equal(
      changed.filter((c) => c.extension === '240').length,
      1,
      'the scenario did not change: ScenarioChanged alone never told the console',
    );
  });

  test('given a report redelivered with the same counter, then it is not announced again', async () => {
    const before = reported.length;
    const atMs = Date.now();
    const again = v1.PresenceReported.create({
      deviceId: 'D240HOME',
      extension: '240',
      counter: 1,
      sentAtMs: atMs,
      receivedAtMs: atMs,
      connected: { ssid: 'HomeNet', bssid: 'de:ad:be:ef:00:01', rssiDbm: -48 },
    });
    await jetstream(h.nc).publish(
      h.names.presence('240'),
      encodeMessage(v1.PresenceReported, again, 'PresenceReported'),
      { msgID: `D240HOME:1:${randomBytes(2).toString('hex')}` },
    );
    await h.presence('240', 'D240OFFICE', 1, 'aa:bb:cc:00:00:01');
    const office = await waitFor(
      () => reported.find((x) => x.deviceId === 'D240OFFICE'),
      'DeviceReported of D240OFFICE',
    );
    assert.equal(office.locationName, 'Office');
    assert.equal(reported.slice(before).filter((x) => x.deviceId === 'D240HOME').length, 0);
  });

  test('given a report from the Wi-Fi network (RADIUS accounting), then its DeviceReported names the device itself and that source', async () => {
    const WIFI = v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING;
    await h.presence('240', 'D240OFFICE', Date.now(), 'aa:bb:cc:00:00:01', Date.now(), WIFI);
    const r = await waitFor(
      () => reported.find((x) => x.deviceId === 'D240OFFICE' && x.source === WIFI),
      'DeviceReported of D240OFFICE from the Wi-Fi network',
    );
    assert.equal(r.locationName, 'Office');
    assert.equal(
      reported.some((x) => x.deviceId.includes('~')),
      false,
      'the record suffix never leaves router',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import { AccountingHandler, type AccountingRequest } from './accounting-handler.js';
import { InMemoryDeviceDirectory } from './device-directory.js';
import type { PresenceReported, RadiusObserver } from './ports.js';
import { WifiMacIndex } from './wifi-mac-index.js';

function setup(options: { failFirst?: boolean } = {}) {
  const devices = new InMemoryDeviceDirectory();
  devices.put(v1.Device.create({ deviceId: 'd1', extension: '301', enabled: true }));
  const macs = new WifiMacIndex();
  macs.put('d1', ['AA-BB-CC-00-00-01']);
  const published: Array<{ event: PresenceReported; msgId: string }> = [];
  let fail = options.failFirst ?? false;
  const counts: Record<string, number> = {};
  const count = (what: string) => () => {
    counts[what] = (counts[what] ?? 0) + 1;
  };
  const observer: RadiusObserver = {
    radiusRejected: count('rejected'),
    radiusDropped: count('dropped'),
    radiusAccepted: count('accepted'),
    radiusIgnored: (reason) => count(`ignored:${reason}`)(),
    radiusDuplicate: count('duplicate'),
    radiusAnswered: count('answered'),
    published: () => {},
  };
  let now = 1_700_000_000_000;
  const handler = new AccountingHandler({
    macs,
    devices,
    observer,
    publisher: {
      presenceReported: async (event, msgId) => {
        if (fail) {
          fail = false;
          throw new Error('no ack');
        }
        published.push({ event, msgId });
        return published.length;
      },
      scenarioChosen: async () => {},
    },
    nowMs: () => now,
    monotonicSeconds: () => 0,
    rememberMs: 60_000,
    rememberMax: 100,
  });
  return { handler, published, counts, tick: (ms: number) => (now += ms), now: () => now };
}

const request = (over: Partial<AccountingRequest> = {}): AccountingRequest => ({
  status: 'interim',
  callingStationId: 'aa:bb:cc:00:00:01',
  calledStationId: '11-22-33-44-55-66:Office',
  eventTimestampS: undefined,
  delayS: 2,
  fingerprint: 'f1',
  ...over,
});

describe('AccountingHandler', () => {
  it('given an Interim for a registered MAC, when handled, then one WIFI_ACCOUNTING report with the AP and sent_at = now - delay', async () => {
    const { handler, published, now } = setup();
    assert.equal(await handler.handle(request(), 'ap', '192.0.2.1', 0), true);
    const { event, msgId } = published[0]!;
    assert.equal(event.deviceId, 'd1');
    assert.equal(event.source, v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING);
    assert.deepEqual({ ...event.connected }, { bssid: '11:22:33:44:55:66', ssid: 'Office' });
    assert.equal(Number(event.sentAtMs), now() - 2000);
    assert.equal(msgId, 'acct:ap:f1');
  });

  it('given the same report twice and then another, then two publishes, counters strictly rising even within one millisecond', async () => {
    const { handler, published, counts } = setup();
    await handler.handle(request(), 'ap', '192.0.2.1', 0);
    await handler.handle(request(), 'ap', '192.0.2.1', 0);
    await handler.handle(request({ fingerprint: 'f2' }), 'ap', '192.0.2.1', 0);
    assert.equal(published.length, 2);
    assert.equal(counts.duplicate, 1);
    assert.ok(Number(published[1]!.event.counter) > Number(published[0]!.event.counter));
  });

  it('given a publish that fails, when retransmitted, then not answered first, published on the retry', async () => {
    const { handler, published } = setup({ failFirst: true });
    assert.equal(await handler.handle(request(), 'ap', '192.0.2.1', 0), false);
    assert.equal(await handler.handle(request(), 'ap', '192.0.2.1', 0), true);
    assert.equal(published.length, 1);
  });

  it('given an unknown MAC, a Stop or no MAC, then answered, nothing published, and an unknown MAC sent again is not a duplicate (nothing remembered)', async () => {
    const { handler, published, counts } = setup();
    const stranger = request({ callingStationId: 'DE-AD-BE-EF-00-01', fingerprint: 'x' });
    assert.equal(await handler.handle(stranger, 'ap', '192.0.2.1', 0), true);
    assert.equal(await handler.handle(stranger, 'ap', '192.0.2.1', 0), true);
    assert.equal(
      await handler.handle(request({ status: 'stop', fingerprint: 's' }), 'ap', '192.0.2.1', 0),
      true,
    );
    assert.equal(
      await handler.handle(request({ callingStationId: undefined, fingerprint: 'n' }), 'ap', '192.0.2.1', 0),
      true,
    );
    assert.equal(published.length, 0);
    assert.equal(counts['ignored:unknown_mac'], 2);
    assert.equal(counts['ignored:no_mac'], 1);
    assert.equal(counts.duplicate, undefined);
  });

  it('given a report remembered, when two dedupe periods pass, then the same fingerprint publishes again', async () => {
    const { handler, published, tick } = setup();
    await handler.handle(request(), 'ap', '192.0.2.1', 0);
    tick(120_001);
    await handler.handle(request(), 'ap', '192.0.2.1', 0);
    assert.equal(published.length, 2);
  });
});

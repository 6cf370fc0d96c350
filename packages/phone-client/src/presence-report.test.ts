import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_DEVICE_ID_LENGTH, MAX_PACKET_SIZE } from '@sa/phone-protocol';
import { v1 } from '@sa/proto';
import { PhoneClient } from './phone-client.js';
import { MAX_VISIBLE, phonePresenceSender, presenceBody } from './presence-report.js';
import { watchPresence } from './presence-watcher.js';
import type { SendProfile } from './send-profile.js';
import { type FakeIngest, startFakeIngest } from './test-support/fake-ingest.js';
import type { WifiNetwork } from './wifi-network.js';
import { wifiCommandFor, wifiReader } from './wifi-reader.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'wifi', name), 'utf8');

const DEVICE = 'laptop-0007';
const SECRET = 'Zr4kP9wQ2mXv7LtB';
let ingest: FakeIngest;
before(async () => {
  ingest = await startFakeIngest(DEVICE, SECRET);
});
after(() => ingest.close());

const profile = (): SendProfile => ({
  source: 'flags',
  identity: { deviceId: DEVICE, secret: SECRET, keyId: 1, ownKey: true },
  hosts: ['127.0.0.1'],
  port: ingest.port,
  knock: [],
});
const sender = (timeoutMs = 1000) =>
  phonePresenceSender(profile(), {
    transport: 'udp',
    knockProto: 'tcp',
    knockDelay: 0,
    send: { timeoutMs },
    note: () => {},
  });
const presenceOf = (i: number) =>
  v1.PhoneRequest.toObject(ingest.requests[i]!, { longs: Number }).presence as Record<string, unknown>;

describe('a Wi-Fi reading as a presence request', () => {
  it('given no Wi-Fi, when built, then the presence has no connected network', () => {
    assert.deepEqual(presenceBody({ visible: [] }), { presence: { visible: [] } });
  });

  it('given 40 visible networks with 32-byte SSIDs, when sealed for the longest device id, then 16 are kept and the packet fits', () => {
    const net = (i: number): WifiNetwork => ({
      ssid: `${'x'.repeat(29)}${String(i).padStart(3, '0')}`,
      bssid: `aa:bb:cc:dd:ee:${i.toString(16).padStart(2, '0')}`,
      rssiDbm: -100,
    });
    const body = presenceBody({ connected: net(99), visible: Array.from({ length: 40 }, (_, i) => net(i)) });
    assert.equal(body.presence?.visible?.length, MAX_VISIBLE);
    const identity = { deviceId: 'd'.repeat(MAX_DEVICE_ID_LENGTH), secret: SECRET, keyId: 1 };
    const client = new PhoneClient(identity, { host: '127.0.0.1', port: 1, transport: 'udp' });
    assert.ok(client.seal(body).packet.length <= MAX_PACKET_SIZE);
  });
});

describe('the presence sender of sa-phone watch, over UDP to a stand-in for ingest', () => {
  it('given each reply status, when a report is sent, then OK, UNAVAILABLE and DENIED map to ok, unavailable and refused', async () => {
    const scan = { connected: { ssid: 'Office', bssid: '2c:30:33:a4:02:18', rssiDbm: -59 }, visible: [] };
    ingest.status = v1.ReplyStatus.REPLY_STATUS_OK;
    assert.deepEqual(await sender().send(scan), { kind: 'ok', host: '127.0.0.1' });
    ingest.status = v1.ReplyStatus.REPLY_STATUS_UNAVAILABLE;
    assert.deepEqual(await sender().send(scan), { kind: 'unavailable', host: '127.0.0.1' });
    ingest.status = v1.ReplyStatus.REPLY_STATUS_DENIED;
    assert.deepEqual(await sender().send(scan), { kind: 'refused', host: '127.0.0.1', status: 'DENIED' });
    ingest.status = 'silent';
    assert.deepEqual(await sender(200).send(scan), { kind: 'no-reply' });
    ingest.status = v1.ReplyStatus.REPLY_STATUS_OK;
  });

  it('given an HTTP endpoint that refuses connections, when a report is sent, then it is a transport error', async () => {
    const http = phonePresenceSender(
      { ...profile(), port: 1 },
      { transport: 'http', knockProto: 'tcp', knockDelay: 0, send: { timeoutMs: 1000 }, note: () => {} },
    );
    const outcome = await http.send({ visible: [] });
    assert.equal(outcome.kind, 'error');
  });

  it('given the watcher reading A then B, when it reports through the real sender, then ingest opens A then B with the device key, and no log line holds the key', async () => {
    ingest.requests.length = 0;
    let now = 0;
    const stop = new AbortController();
    const logs: string[] = [];
    const readWifi = wifiReader(wifiCommandFor('linux'), async () =>
      fixture(now < 10_000 ? 'nmcli-connected.txt' : 'nmcli-guest.txt'),
    );
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
        if (now >= 20_000) stop.abort();
      },
    };
    await watchPresence(
      { readWifi, sender: sender(), clock, log: (l) => logs.push(l), random: Math.random },
      { pollMs: 5_000, intervalMs: 60_000, backoff: { initialDelayMs: 5_000, maxDelayMs: 300_000 } },
      stop.signal,
    );
    assert.equal(ingest.requests.length, 2, logs.join('\n'));
    assert.deepEqual(presenceOf(0).connected, { ssid: 'Office', bssid: '2c:30:33:a4:02:18', rssiDbm: -51 });
    assert.deepEqual(presenceOf(1).connected, {
      ssid: 'Guest: Lobby Wi-Fi',
      bssid: '2e:30:33:a4:02:18',
      rssiDbm: -53,
    });
    assert.equal((presenceOf(1).visible as unknown[]).length, 3);
    assert.ok(logs.every((l) => !l.includes(SECRET)));
  });
});

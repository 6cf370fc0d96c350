import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BackoffPolicy } from '@sa/platform/backoff';
import { type PresenceSender, type ReportOutcome, watchPresence } from './presence-watcher.js';
import { wifiCommandFor, wifiReader } from './wifi-reader.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'wifi', name), 'utf8');

const POLICY: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 20_000 };

interface Sent {
  readonly atS: number;
  readonly ssid?: string;
  readonly bssid?: string;
}

/**
 * Runs the watcher in virtual time until `untilS`: nmcli's output is `wifiAt(seconds)` (recorded
 * fixtures through the real parser), and each report gets the next scripted outcome (default OK).
 */
async function simulate(options: {
  untilS: number;
  wifiAt: (s: number) => string | Error;
  outcomes?: ReportOutcome['kind'][];
  pollS?: number;
  intervalS?: number;
  random?: () => number;
}) {
  let now = 0;
  const stop = new AbortController();
  const sent: Sent[] = [];
  const logs: string[] = [];
  const outcomes = [...(options.outcomes ?? [])];
  const sender: PresenceSender = {
    send: async (scan) => {
      const c = scan.connected;
      sent.push({ atS: now / 1000, ...(c ? { ssid: c.ssid, bssid: c.bssid } : {}) });
      const kind = outcomes.shift() ?? 'ok';
      if (kind === 'ok') return { kind, host: 'pbx' };
      if (kind === 'unavailable') return { kind, host: 'pbx' };
      if (kind === 'refused') return { kind, host: 'pbx', status: 'DENIED' };
      return kind === 'error' ? { kind, message: 'ECONNREFUSED' } : { kind };
    },
  };
  const readWifi = wifiReader(wifiCommandFor('linux'), async () => {
    const output = options.wifiAt(now / 1000);
    if (output instanceof Error) throw output;
    return output;
  });
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      if (now >= options.untilS * 1000) stop.abort();
    },
  };
  await watchPresence(
    { readWifi, sender, clock, log: (l) => logs.push(l), random: options.random ?? (() => 0.5) },
    {
      pollMs: (options.pollS ?? 5) * 1000,
      intervalMs: (options.intervalS ?? 60) * 1000,
      backoff: POLICY,
    },
    stop.signal,
  );
  return { sent, logs };
}

const OFFICE = { ssid: 'Office', bssid: '2c:30:33:a4:02:18' };
const GUEST = { ssid: 'Guest: Lobby Wi-Fi', bssid: '2e:30:33:a4:02:18' };

describe('sa-phone watch: when presence is reported', () => {
  it('given network A then B from 30 s, when watched for 150 s, then A at once, B on the change, and B again only after the 60 s interval', async () => {
    const { sent, logs } = await simulate({
      untilS: 150,
      wifiAt: (s) => fixture(s < 30 ? 'nmcli-connected.txt' : 'nmcli-guest.txt'),
    });
    assert.deepEqual(sent, [
      { atS: 0, ...OFFICE },
      { atS: 30, ...GUEST },
      { atS: 90, ...GUEST },
    ]);
    assert.match(logs[1] ?? '', /^report \(change\): "Guest: Lobby Wi-Fi" 2e:30:33:a4:02:18 -53 dBm.* -> OK/);
    assert.match(logs[2] ?? '', /^report \(interval\): /);
  });

  it('given a roam to another access point of the same SSID, when polled, then the BSSID change alone is reported', async () => {
    const { sent } = await simulate({
      untilS: 20,
      wifiAt: (s) => fixture(s < 10 ? 'nmcli-connected.txt' : 'nmcli-roamed.txt'),
    });
    assert.deepEqual(sent, [
      { atS: 0, ...OFFICE },
      { atS: 10, ssid: 'Office', bssid: '2c:30:33:b7:11:40' },
    ]);
  });

  it('given the laptop leaves Wi-Fi, when watched for minutes, then one report without a connected network, and no interval reports', async () => {
    const { sent } = await simulate({
      untilS: 300,
      wifiAt: (s) => fixture(s < 10 ? 'nmcli-connected.txt' : 'nmcli-disconnected.txt'),
    });
    assert.deepEqual(sent, [{ atS: 0, ...OFFICE }, { atS: 10 }]);
  });

  it('given the Wi-Fi tool fails for a while, when polled, then its error is logged once, nothing is sent, and reading again resumes', async () => {
    const { sent, logs } = await simulate({
      untilS: 30,
      wifiAt: (s) =>
        s < 15 ? new Error('nmcli failed: NetworkManager is not running') : fixture('nmcli-guest.txt'),
    });
    assert.deepEqual(sent, [{ atS: 15, ...GUEST }]);
    assert.equal(logs.filter((l) => l.includes('NetworkManager is not running')).length, 1);
    assert.ok(logs.includes('wifi: readable again'), logs.join('\n'));
  });

  it('given the Wi-Fi tool is not installed, when watched, then the watcher stops with that error', async () => {
    const missing = Object.assign(new Error('spawn nmcli ENOENT'), { code: 'ENOENT' });
    await assert.rejects(simulate({ untilS: 30, wifiAt: () => missing }), /ENOENT/);
  });
});

describe('sa-phone watch: backoff while the server is unreachable', () => {
  it('given a server that fails 5 times (no reply, UNAVAILABLE, transport error), when retried, then delays grow to the cap, and after a success the next failure starts over', async () => {
    const { sent, logs } = await simulate({
      untilS: 105,
      wifiAt: () => fixture('nmcli-connected.txt'),
      outcomes: ['no-reply', 'unavailable', 'error', 'no-reply', 'no-reply', 'ok', 'no-reply', 'ok'],
    });
    const times = sent.map((s) => s.atS);
    // random 0.5: half of each ceiling (5, 10, 20, 20, 20 s), then the interval, then 5 s again
    assert.deepEqual(times, [0, 2.5, 7.5, 17.5, 27.5, 37.5, 97.5, 100]);
    assert.match(logs[1] ?? '', /-> UNAVAILABLE from pbx; retry in 5\.0 s \(failure 2\)/);
    assert.match(logs[2] ?? '', /-> failed: ECONNREFUSED; retry in 10\.0 s \(failure 3\)/);
  });

  it('given the network changes while backing off, when the next attempt comes, then only the latest network is sent', async () => {
    const { sent } = await simulate({
      untilS: 70,
      wifiAt: (s) => fixture(s < 10 ? 'nmcli-connected.txt' : 'nmcli-guest.txt'),
      outcomes: ['no-reply', 'no-reply', 'no-reply', 'ok'],
    });
    assert.deepEqual(sent, [
      { atS: 0, ...OFFICE },
      { atS: 2.5, ...OFFICE },
      { atS: 7.5, ...OFFICE },
      { atS: 17.5, ...GUEST },
    ]);
  });

  it('given the server refuses (DENIED), when reported, then it is not retried until the interval', async () => {
    const { sent, logs } = await simulate({
      untilS: 70,
      wifiAt: () => fixture('nmcli-connected.txt'),
      outcomes: ['refused'],
    });
    assert.deepEqual(
      sent.map((s) => s.atS),
      [0, 60],
    );
    assert.match(logs[0] ?? '', /-> DENIED from pbx \(not retried\)/);
  });
});

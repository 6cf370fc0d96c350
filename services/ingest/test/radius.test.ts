// RADIUS accounting (issue 20, docs/radius.md) against the real ingest, with Debian's radclient
// (freeradius-utils) as the access point: what is published, what is answered, what is refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { v1 } from '@sa/proto';
import radius from 'radius';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

const SECRET = 'testing123';
const PHONE_MAC = 'aa:bb:cc:00:00:01';

interface RadclientResult {
  /** Accounting-Responses radclient received (and verified with the secret) */
  readonly answered: number;
  readonly output: string;
}

/** Runs radclient: `packets` are attribute lines, one packet per entry (blank line between). */
function radclient(
  server: string,
  packets: readonly string[],
  options: { secret?: string; count?: number; parallel?: number; timeoutS?: number; ipv6?: boolean } = {},
): Promise<RadclientResult> {
  // -r 1: one attempt (no retransmission); a loaded machine may take a while for the first answer
  const args = ['-x', '-r', '1', '-t', String(options.timeoutS ?? 3)];
  if (options.count) args.push('-c', String(options.count));
  if (options.parallel) args.push('-p', String(options.parallel));
  if (options.ipv6) args.push('-6');
  args.push(server, 'acct', options.secret ?? SECRET);
  return new Promise((resolve, reject) => {
    const child = execFile('radclient', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      const output = `${stdout}${stderr}`;
      resolve({ answered: output.match(/Received Accounting-Response/g)?.length ?? 0, output });
    });
    child.stdin!.end(`${packets.map((p) => p.trim()).join('\n\n')}\n`);
  });
}

const acct = (status: string, session: string, extra: Record<string, string | number> = {}) =>
  [
    `Acct-Status-Type = ${status}`,
    `Acct-Session-Id = "${session}"`,
    ...Object.entries(extra).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `"${v}"`}`),
  ].join('\n');

describe('RADIUS accounting', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;
  let tight: IngestInstance;
  let server: string;

  const rejected = (reason: string, on = ingest) =>
    on.metric('sa_ingest_radius_rejected_total', ['reason', reason]);

  async function lastPresence(): Promise<InstanceType<typeof v1.PresenceReported>> {
    const jsm = await jetstreamManager(fx.nc);
    const m = await jsm.streams.getMessage(fx.names.phoneStream, { last_by_subj: fx.names.presence('301') });
    assert.ok(m, 'a presence message on the stream');
    return v1.PresenceReported.decode(m.data);
  }

  /** Sends, expects no answer, the reason counted and logged with "transport":"radius", nothing published. */
  async function expectRefused(
    reason: string,
    send: () => Promise<RadclientResult>,
    on: IngestInstance = ingest,
  ): Promise<void> {
    const before = await rejected(reason, on);
    const published = await fx.streamMessages();
    const r = await send();
    assert.equal(r.answered, 0, `no Accounting-Response (${r.output})`);
    await eventually(async () => (await rejected(reason, on)) > before, 3000, `${reason} counted`);
    assert.equal(await fx.streamMessages(), published, 'nothing published');
    const line = on.logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.event === 'packet_rejected' && l.reason === reason && l.transport === 'radius');
    assert.ok(line, `a ${reason} line for fail2ban`);
    assert.match(line.msg, new RegExp(`^rejected packet from [0-9a-f:.]+: ${reason}$`));
  }

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'dev-wifi', extension: '301', wifiMacs: [PHONE_MAC] });
    await fx.seedDevice({
      deviceId: 'dev-off',
      extension: '302',
      enabled: false,
      wifiMacs: ['aa:bb:cc:00:00:02'],
    });
    await fx.seedAccountingClients([
      { id: 'ap-office', network: '127.0.0.0/8', secret: SECRET },
      { id: 'ap-old', network: '::1', secret: SECRET, enabled: false },
    ]);
    // dual-stack: radclient over IPv4 arrives as ::ffff:127.0.0.1 (a client), over IPv6 as ::1 (not one)
    ingest = await fx.startInstance({ RADIUS_PORT: '0', RADIUS_HOST: '::' });
    tight = await fx.startInstance({
      RADIUS_PORT: '0',
      RADIUS_HOST: '127.0.0.1',
      RADIUS_RATE_LIMIT_PER_SEC: '1',
      RADIUS_RATE_LIMIT_BURST: '5',
    });
    server = `127.0.0.1:${ingest.app.addresses().radius.split(':').pop()}`;
  });
  after(() => fx.close());

  it('given a Start for a registered MAC, when sent, then a PresenceReported with the AP as BSSID/SSID and source WIFI_ACCOUNTING, then the Accounting-Response', async () => {
    const published = await fx.streamMessages();
    const before = Date.now();
    const r = await radclient(server, [
      acct('Start', 'S-1', {
        'Calling-Station-Id': 'AA-BB-CC-00-00-01',
        'Called-Station-Id': '11-22-33-44-55-66:Office WLAN',
        'NAS-IP-Address': '127.0.0.1',
      }),
    ]);
    assert.equal(r.answered, 1, r.output);
    assert.equal(await fx.streamMessages(), published + 1, 'stored before the answer');
    const p = await lastPresence();
    assert.equal(p.deviceId, 'dev-wifi');
    assert.equal(p.extension, '301');
    assert.equal(p.source, v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING);
    assert.equal(p.connected?.bssid, '11:22:33:44:55:66');
    assert.equal(p.connected?.ssid, 'Office WLAN');
    assert.equal(p.sourceIp, '127.0.0.1');
    assert.ok(Number(p.counter) >= before && Number(p.receivedAtMs) >= before);
  });

  it('given an Interim-Update, when sent, then another report with a higher counter', async () => {
    const first = await lastPresence();
    const published = await fx.streamMessages();
    const r = await radclient(server, [
      acct('Interim-Update', 'S-1', {
        'Calling-Station-Id': 'aabbcc000001',
        'Called-Station-Id': '1122.3344.5566',
        'Acct-Session-Time': 60,
        'Acct-Input-Octets': 1000,
      }),
    ]);
    assert.equal(r.answered, 1, r.output);
    assert.equal(await fx.streamMessages(), published + 1);
    const p = await lastPresence();
    assert.ok(Number(p.counter) > Number(first.counter));
    assert.equal(p.connected?.bssid, '11:22:33:44:55:66');
    assert.equal(p.connected?.ssid, '', 'a plain MAC carries no SSID');
  });

  it('given a Stop, when sent, then answered and nothing published', async () => {
    const published = await fx.streamMessages();
    const stops = await ingest.metric('sa_ingest_radius_accepted_total', ['status', 'stop']);
    const r = await radclient(server, [
      acct('Stop', 'S-1', { 'Calling-Station-Id': PHONE_MAC, 'Acct-Session-Time': 90 }),
    ]);
    assert.equal(r.answered, 1, r.output);
    assert.equal(await fx.streamMessages(), published);
    assert.equal(await ingest.metric('sa_ingest_radius_accepted_total', ['status', 'stop']), stops + 1);
  });

  it('given the same report sent twice (radclient -c 2, new identifier each time), then both answered and one publish', async () => {
    const published = await fx.streamMessages();
    const dups = await ingest.metric('sa_ingest_radius_duplicates_total');
    const r = await radclient(
      server,
      [acct('Interim-Update', 'S-2', { 'Calling-Station-Id': PHONE_MAC, 'Acct-Session-Time': 120 })],
      { count: 2 },
    );
    assert.equal(r.answered, 2, r.output);
    assert.equal(await fx.streamMessages(), published + 1);
    assert.equal(await ingest.metric('sa_ingest_radius_duplicates_total'), dups + 1);
  });

  it('given the very same datagram retransmitted (same identifier and authenticator), then both answered and one publish', async () => {
    const published = await fx.streamMessages();
    const packet = radius.encode({
      code: 'Accounting-Request',
      secret: SECRET,
      identifier: 77,
      attributes: [
        ['Acct-Status-Type', 'Interim-Update'],
        ['Acct-Session-Id', 'S-3'],
        ['Calling-Station-Id', PHONE_MAC],
        ['Called-Station-Id', '11-22-33-44-55-66:Office WLAN'],
        ['Acct-Session-Time', 30],
      ],
    });
    const socket = createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (m) => replies.push(m));
    const [host, port] = server.split(':');
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((r) => socket.send(packet, Number(port), host, () => r()));
      await eventually(() => replies.length === i + 1, 3000, `answer ${i + 1}`);
    }
    socket.close();
    for (const reply of replies) {
      assert.equal(reply[0], 5, 'Accounting-Response');
      assert.ok(radius.verify_response({ request: packet, response: reply, secret: SECRET }));
    }
    assert.equal(await fx.streamMessages(), published + 1);
  });

  it('given a MAC no device has, when a Start is sent, then answered, nothing published, counted as unknown_mac', async () => {
    const published = await fx.streamMessages();
    const before = await ingest.metric('sa_ingest_radius_ignored_total', ['reason', 'unknown_mac']);
    const r = await radclient(server, [
      acct('Start', 'S-4', {
        'Calling-Station-Id': 'DE-AD-BE-EF-00-01',
        'Called-Station-Id': '11-22-33-44-55-66:Guest',
      }),
    ]);
    assert.equal(r.answered, 1, r.output);
    assert.equal(await fx.streamMessages(), published);
    assert.equal(
      await ingest.metric('sa_ingest_radius_ignored_total', ['reason', 'unknown_mac']),
      before + 1,
    );
    assert.ok(
      !ingest.logLines.some((l) => /de[-:]?ad[-:]?be/i.test(l)),
      'the stranger MAC is nowhere in the log',
    );
  });

  it('given a disabled device, Accounting-On and Accounting-Off, when sent, then answered and nothing published', async () => {
    const published = await fx.streamMessages();
    const r = await radclient(server, [
      acct('Start', 'S-5', { 'Calling-Station-Id': 'aa:bb:cc:00:00:02' }),
      'Acct-Status-Type = Accounting-On\nAcct-Session-Id = "0"',
      'Acct-Status-Type = Accounting-Off\nAcct-Session-Id = "0"',
    ]);
    assert.equal(r.answered, 3, r.output);
    assert.equal(await fx.streamMessages(), published);
  });

  it('given the wrong shared secret, when sent, then bad_authenticator: no answer, counted, logged, nothing published', () =>
    expectRefused('bad_authenticator', () =>
      radclient(server, [acct('Start', 'S-6', { 'Calling-Station-Id': PHONE_MAC })], {
        secret: 'not-the-secret',
        timeoutS: 0.5,
      }),
    ));

  it('given an address no enabled client covers (::1), when sent, then unknown_client', () =>
    expectRefused('unknown_client', () =>
      radclient(
        `[::1]:${server.split(':')[1]}`,
        [acct('Start', 'S-7', { 'Calling-Station-Id': PHONE_MAC })],
        {
          ipv6: true,
          timeoutS: 0.5,
        },
      ),
    ));

  it('given an integer attribute two octets long, when sent, then malformed', () =>
    expectRefused('malformed', () =>
      radclient(
        server,
        ['Attr-40 = 0x0001\nAcct-Session-Id = "S-8"\nCalling-Station-Id = "aa:bb:cc:00:00:01"'],
        { timeoutS: 0.5 },
      ),
    ));

  it('given a flood from one client, when sent, then beyond the limit rate_limited: no answer, counted, logged, only answered ones published', async () => {
    const port = tight.app.addresses().radius.split(':').pop();
    const published = await fx.streamMessages();
    const before = await rejected('rate_limited', tight);
    const packets = Array.from({ length: 20 }, (_, i) =>
      acct('Interim-Update', `F-${i}`, { 'Calling-Station-Id': PHONE_MAC, 'Acct-Session-Time': i }),
    );
    const r = await radclient(`127.0.0.1:${port}`, packets, { parallel: 20, timeoutS: 1 });
    const limited = (await rejected('rate_limited', tight)) - before;
    assert.ok(r.answered >= 5 && r.answered < 20, `answered ${r.answered}`);
    assert.equal(r.answered + limited, 20);
    assert.equal(await fx.streamMessages(), published + r.answered);
    const line = tight.logLines.map((l) => JSON.parse(l)).find((l) => l.reason === 'rate_limited');
    assert.equal(line.transport, 'radius');
    assert.equal(line.msg, 'rejected packet from 127.0.0.1: rate_limited');
  });

  it('reports the clients and MACs it knows in readiness', () => {
    const r = ingest.app.readiness();
    assert.equal(r.radiusClients, 1, 'the disabled client is not loaded');
    assert.equal(r.radiusClientsLoaded, true);
    assert.equal(r.wifiMacsKnown, 2);
  });
});

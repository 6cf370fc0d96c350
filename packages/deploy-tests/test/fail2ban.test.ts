// The fail2ban filters against what the REAL services log: ingest gets every kind of bad packet (each
// from its own loopback address) plus normal phone traffic; admin gets failed and successful logins.
// Debian's fail2ban-regex must match every attack line with the sender's address and nothing else.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { deriveEnvelopeKey, sealRequest } from '@sa/phone-protocol';
import {
  ensurePhoneStream,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  Redis,
} from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { waitFor } from '@sa/testkit';
import pg from 'pg';
import { fail2banJailCommands, fail2banMatches } from './fail2ban-regex.js';
import { type ServiceProcess, startService } from './service-process.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

// Every rejection reason of the log contract, and the loopback address this test attacks from over
// HTTP; over UDP each reason comes from 127.0.1.x with the same last byte.
const attackers = {
  too_small: '127.0.0.11',
  too_large: '127.0.0.12',
  bad_header: '127.0.0.13',
  unknown_key: '127.0.0.14',
  bad_tag: '127.0.0.15',
  unknown_device: '127.0.0.16',
  disabled_device: '127.0.0.17',
  stale_timestamp: '127.0.0.18',
  replay: '127.0.0.19',
  rate_limited_device: '127.0.0.20',
  rate_limited_ip: '127.0.0.21',
  counter_ahead: '127.0.0.22',
  server_key_refused: '127.0.0.23',
  foreign_key: '127.0.0.24',
  device_mismatch: '127.0.0.25',
} as const;
type Reason = keyof typeof attackers;
type Transport = 'udp' | 'http';
const attacker = (reason: Reason, transport: Transport) =>
  transport === 'http' ? attackers[reason] : attackers[reason].replace('127.0.0.', '127.0.1.');
const phoneAddress = '127.0.0.2';
const keyId = 7;
const secret = 'Fail2banTest0042';
const key = deriveEnvelopeKey(secret);
// Two enrolled devices with their own keys (docs/protocol.md section 3.3).
const enrolled = {
  'phone-a': { keyId: 20, secret: 'OwnKeyOfPhoneA01' },
  'phone-b': { keyId: 21, secret: 'OwnKeyOfPhoneB01' },
} as const;

let nc: NatsConnection;
const prefixes: string[] = [];
const newPrefix = () => {
  const p = `t_${randomBytes(4).toString('hex')}`;
  prefixes.push(p);
  return p;
};

before(async () => {
  nc = await connect({ servers: NATS_URL });
});
after(async () => {
  const jsm = await jetstreamManager(nc);
  for await (const stream of jsm.streams.list()) {
    const name = stream.config.name.toLowerCase();
    if (prefixes.some((p) => name.includes(p))) await jsm.streams.delete(stream.config.name).catch(() => {});
  }
  await nc.close();
  const redis = new Redis(REDIS_URL);
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function sendUdp(src: string, port: number, packet: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, src, () => socket.send(packet, port, '127.0.0.1', () => socket.close(() => resolve())));
  });
}

/** POSTs one envelope to ingest's HTTP intake from `src`; resolves with the status. */
function sendHttp(src: string, port: number, packet: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/phone',
        method: 'POST',
        localAddress: src,
        agent: false,
        headers: { 'content-type': 'application/octet-stream', 'content-length': packet.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(packet);
  });
}

const send = (transport: Transport, src: string, port: number, packet: Uint8Array) =>
  transport === 'udp' ? sendUdp(src, port, packet) : sendHttp(src, port, packet).then(() => {});

async function metric(opsUrl: string, name: string, reason?: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && (!reason || l.includes(`reason="${reason}"`)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

function rejectionLines(lines: readonly string[]) {
  return lines.filter((l) => l.includes('"event":"packet_rejected"'));
}

/**
 * An RFC 2866 Accounting-Request signed with `secret` (built here: this package has no RADIUS codec),
 * attributes as [type, value] pairs (strings or 4-octet integers).
 */
function accountingRequest(secret: string, attributes: Array<[number, string | number]>, id = 1): Buffer {
  const attrs = Buffer.concat(
    attributes.map(([type, value]) => {
      const v = typeof value === 'number' ? Buffer.alloc(4) : Buffer.from(value);
      if (typeof value === 'number') v.writeUInt32BE(value);
      return Buffer.concat([Buffer.from([type, v.length + 2]), v]);
    }),
  );
  const packet = Buffer.concat([Buffer.from([4, id, 0, 0]), Buffer.alloc(16), attrs]);
  packet.writeUInt16BE(packet.length, 2);
  createHash('md5').update(packet).update(secret).digest().copy(packet, 4);
  return packet;
}

/** Seeds a bus prefix with the test key and devices, and starts the real ingest on it. */
async function startIngest(
  devices: readonly string[],
  env: Record<string, string>,
  radiusClients?: { network: string; secret: string },
) {
  const prefix = newPrefix();
  const names = busNames(prefix);
  if (radiusClients) {
    const bucket = await openRadiusClientsBucket(nc, names);
    const clients = v1.AccountingClients.create({
      revision: 1,
      clients: [
        { id: 'ap', name: 'ap', ...radiusClients, secret: Buffer.from(radiusClients.secret), enabled: true },
      ],
    });
    await bucket.put('clients', encodeMessage(v1.AccountingClients, clients, 'AccountingClients'));
  }
  await ensurePhoneStream(nc, names);
  const buckets = await openSnapshotBuckets(nc, names);
  const ring = v1.KeyRingChanged.create({
    revision: Date.now(),
    keys: [
      v1.ServerKey.create({
        keyId,
        secret: Buffer.from(secret, 'ascii'),
        state: v1.KeyState.KEY_STATE_ACTIVE,
      }),
    ],
  });
  await buckets.keys.put('ring', encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
  for (const deviceId of devices) {
    const device = v1.Device.create({
      deviceId,
      extension: '201',
      enabled: deviceId !== 'phone-off',
      tier: v1.Tier.TIER_STANDARD,
      enrolled: deviceId in enrolled,
    });
    await buckets.devices.put(deviceId, encodeMessage(v1.Device, device, 'Device'));
  }
  const deviceKeys = await openDeviceKeysBucket(nc, names);
  for (const [deviceId, own] of Object.entries(enrolled)) {
    const keys = v1.DeviceKeys.create({
      deviceId,
      keys: [
        {
          keyId: own.keyId,
          secret: Buffer.from(own.secret, 'ascii'),
          state: v1.KeyState.KEY_STATE_ACTIVE,
          deviceId,
        },
      ],
    });
    await deviceKeys.put(deviceId, encodeMessage(v1.DeviceKeys, keys, 'DeviceKeys'));
  }
  const ingest = await startService('ingest', {
    NATS_URL,
    REDIS_URL,
    SA_BUS_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${prefix}:ingest:`,
    INGEST_HOST: '127.0.0.1',
    INGEST_PORT: '0',
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  return {
    ingest,
    port: Number(String(ingest.listening.udp).split(':').pop()),
    radiusPort: Number(
      String(ingest.listening.radius ?? '')
        .split(':')
        .pop(),
    ),
    ops: String(ingest.listening.ops),
  };
}

describe('deploy/fail2ban', () => {
  it('given the real ingest rejecting every kind of bad packet over HTTP and over UDP and accepting a phone, when fail2ban-regex applies the filters, then smartassistant matches exactly the HTTP rejections and smartassistant-udp exactly the UDP ones, each with its sender', async () => {
    const devices = [
      'phone-ok',
      'phone-off',
      'phone-replay',
      'phone-a',
      'phone-b',
      ...Array.from({ length: 12 }, (_, i) => `phone-f${i}`),
    ];
    const { ingest, port, ops } = await startIngest(devices, {
      REJECT_LOG_PER_SEC: '1000',
      RATE_LIMIT_IP_PER_SEC: '1',
      RATE_LIMIT_IP_BURST: '8',
      RATE_LIMIT_DEVICE_PER_SEC: '1',
      RATE_LIMIT_DEVICE_BURST: '4',
    });
    try {
      let counter = Date.now() - 60_000;
      const presence = (
        deviceId: string,
        overrides: {
          keyId?: number;
          timestampMs?: number;
          counter?: number;
          ownKeyOf?: 'phone-a';
          about?: string;
        } = {},
      ) => {
        const own = overrides.ownKeyOf ? enrolled[overrides.ownKeyOf] : undefined;
        return sealRequest({
          key: own ? deriveEnvelopeKey(own.secret, overrides.ownKeyOf) : key,
          keyId: own?.keyId ?? overrides.keyId ?? keyId,
          deviceId,
          counter: overrides.counter ?? counter++,
          timestampMs: overrides.timestampMs ?? Date.now(),
          body: {
            presence: { connected: { ssid: 'Office', bssid: '00:11:22:33:44:55' } },
            ...(overrides.about ? { deviceId: overrides.about } : {}),
          },
        });
      };

      // Normal traffic: a registered phone reports its presence three times; another once (replayed below).
      const first = presence('phone-replay');
      for (const packet of [presence('phone-ok'), presence('phone-ok'), presence('phone-ok'), first])
        await sendUdp(phoneAddress, port, packet);
      await waitForMetric(ops, 'sa_ingest_packets_accepted_total', undefined, 4);

      // Attacks, one reason per sender address, each over HTTP and over UDP.
      for (const transport of ['http', 'udp'] as const) {
        const n = transport === 'http' ? 1 : 2;
        const tampered = presence('phone-ok');
        tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0xff;
        const single: Array<[Reason, Uint8Array]> = [
          ['too_small', randomBytes(5)],
          ['too_large', randomBytes(1500)],
          ['bad_header', Buffer.alloc(120, 0xff)],
          ['unknown_key', presence('phone-ok', { keyId: 9 })],
          ['bad_tag', tampered],
          ['unknown_device', presence('phone-nobody')],
          ['disabled_device', presence('phone-off')],
          ['stale_timestamp', presence('phone-ok', { timestampMs: Date.now() - 3_600_000 })],
          ['counter_ahead', presence('phone-ok', { counter: Number.MAX_SAFE_INTEGER })],
          ['replay', first],
          ['server_key_refused', presence('phone-b')],
          ['foreign_key', presence('phone-b', { ownKeyOf: 'phone-a' })],
          ['device_mismatch', presence('phone-a', { ownKeyOf: 'phone-a', about: 'phone-b' })],
        ];
        for (const [reason, packet] of single) {
          await send(transport, attacker(reason, transport), port, packet);
          await waitForMetric(ops, 'sa_ingest_packets_rejected_total', reason, n);
        }
        // Floods: one device far over its rate, then one address over its rate (many devices).
        const from = attacker('rate_limited_device', transport);
        for (let i = 0; i < 8; i++) await send(transport, from, port, presence('phone-ok'));
        await waitForMetric(ops, 'sa_ingest_packets_rejected_total', 'rate_limited_device', n);
        const fromIp = attacker('rate_limited_ip', transport);
        for (let i = 0; i < 12; i++) await send(transport, fromIp, port, presence(`phone-f${i}`));
        await waitForMetric(ops, 'sa_ingest_packets_rejected_total', 'rate_limited_ip', n);
      }
      const expectedRejections = await metric(ops, 'sa_ingest_packets_rejected_total');
      await waitFor(() => rejectionLines(ingest.lines).length >= expectedRejections, {
        what: 'the rejection log lines',
      });

      const lines = [...ingest.lines];
      const rejections = rejectionLines(lines);
      const seen = { http: new Set<string>(), udp: new Set<string>() };
      const tcpJail = fail2banMatches('smartassistant', lines);
      const udpJail = fail2banMatches('smartassistant-udp', lines);
      for (const line of rejections) {
        const { reason, src, transport } = JSON.parse(line) as {
          reason: Reason;
          src: string;
          transport: Transport;
        };
        seen[transport].add(reason);
        assert.equal(src, attacker(reason, transport), `the ${reason} line names the sender: ${line}`);
        const [matching, other] = transport === 'http' ? [tcpJail, udpJail] : [udpJail, tcpJail];
        assert.equal(
          matching.get(line),
          src,
          `the ${transport} filter must match ${reason} with host ${src}:\n${line}`,
        );
        assert.equal(other.has(line), false, `only the ${transport} filter may match:\n${line}`);
      }
      for (const transport of ['http', 'udp'] as const) {
        assert.deepEqual(
          [...seen[transport]].sort(),
          Object.keys(attackers).sort(),
          `every rejection reason was produced and logged over ${transport}`,
        );
      }
      const wrong = lines.filter((l) => (tcpJail.has(l) || udpJail.has(l)) && !rejections.includes(l));
      assert.deepEqual(wrong, [], 'no startup or normal-traffic line may match');
      assert.ok(
        lines.some((l) => l.includes('"event":"listening"')) &&
          !tcpJail.has(lines.find((l) => l.includes('"event":"listening"')) ?? ''),
      );
      assert.ok(
        !rejections.some((l) => l.includes(`"src":"${phoneAddress}"`)),
        'the phone itself was never rejected',
      );
    } finally {
      await ingest.stop();
    }
  });

  it('given one address flooding 20k bad UDP packets, when another sends 20 bad packets over HTTP and a third 20 over UDP meanwhile, then with the default log limits every one of those 40 is logged and matched by its filter', async () => {
    const { ingest, port, ops } = await startIngest(['phone-ok'], {});
    try {
      const flooder = '127.0.0.40';
      const overHttp = '127.0.0.41';
      const overUdp = '127.0.0.42';
      const wrongKey = deriveEnvelopeKey('WrongSecret12345');
      const bad = (i: number) =>
        sealRequest({
          key: wrongKey,
          keyId,
          deviceId: 'phone-ok',
          counter: Date.now() + i,
          timestampMs: Date.now(),
          body: { ping: {} },
        });
      const flood = createSocket('udp4');
      await new Promise<void>((r) => flood.bind(0, flooder, () => r()));
      const junk = Buffer.alloc(120, 0xff); // bad_header
      const sent: Array<Promise<unknown>> = [];
      for (let i = 0; i < 20_000; i++) {
        flood.send(junk, port, '127.0.0.1');
        if (i % 1000 === 500) {
          sent.push(sendHttp(overHttp, port, bad(i)), sendUdp(overUdp, port, bad(i + 1)));
        }
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5)); // ~20k/s, paced for the kernel buffer
      }
      await Promise.all(sent);
      flood.close();
      await waitForMetric(ops, 'sa_ingest_packets_rejected_total', 'bad_tag', 40);
      await waitFor(
        () =>
          rejectionLines(ingest.lines).filter((l) => l.includes(overHttp) || l.includes(overUdp)).length >=
          40,
        { what: 'the 40 lines of the two attackers', timeoutMs: 5000 },
      ).catch(() => {});

      const lines = [...ingest.lines];
      // fail2ban-regex prints each distinct matching line once: count the log's lines, not its answers
      const hostsMatched = (filter: string) => {
        const matches = fail2banMatches(filter, lines);
        return lines.filter((l) => matches.has(l)).map((l) => matches.get(l));
      };
      const tcpJail = hostsMatched('smartassistant');
      const udpJail = hostsMatched('smartassistant-udp');
      const count = (hosts: Array<string | undefined>, host: string) =>
        hosts.filter((h) => h === host).length;
      assert.equal(count(tcpJail, overHttp), 20, 'all 20 HTTP failures reach the jail');
      assert.deepEqual(new Set(tcpJail), new Set([overHttp]), 'the jail sees only HTTP senders');
      assert.equal(count(udpJail, overUdp), 20, 'all 20 UDP failures are logged too');
      const floodLines = count(udpJail, flooder);
      const floodCounted = await metric(ops, 'sa_ingest_packets_rejected_total', 'bad_header');
      assert.ok(floodCounted > 15_000, `the flood arrived and was counted: ${floodCounted}`);
      assert.ok(
        floodLines >= 40 && floodLines < 200,
        `the flooder's lines stay within its own limit: ${floodLines}`,
      );
    } finally {
      await ingest.stop();
    }
  });

  it('given the real ingest refusing RADIUS accounting for every reason and answering a client, when fail2ban-regex applies the filters, then only smartassistant-radius matches, and only unknown_client lines, each with its sender', async () => {
    const client = '127.0.0.50';
    const stranger = '127.0.2.1';
    const secret = 'radius-secret';
    const { ingest, radiusPort, ops } = await startIngest(
      ['phone-ok'],
      {
        RADIUS_PORT: '0',
        RADIUS_HOST: '127.0.0.1',
        RADIUS_RATE_LIMIT_PER_SEC: '1',
        RADIUS_RATE_LIMIT_BURST: '2',
      },
      { network: '127.0.0.48/29', secret },
    );
    try {
      const start = (id: number, session = `S${id}`) =>
        accountingRequest(
          secret,
          [
            [40, 1],
            [44, session],
            [31, 'AA-BB-CC-DD-EE-FF'],
          ],
          id,
        );
      const rejected = 'sa_ingest_radius_rejected_total';
      await sendUdp(client, radiusPort, start(1)); // a valid request (unknown MAC): answered
      await waitForMetric(ops, 'sa_ingest_radius_answered_total', undefined, 1);
      for (let i = 0; i < 3; i++) await sendUdp(stranger, radiusPort, start(10 + i));
      await waitForMetric(ops, rejected, 'unknown_client', 3);
      await sendUdp(
        client,
        radiusPort,
        accountingRequest('wrong-secret', [
          [40, 1],
          [44, 'X'],
        ]),
      );
      await waitForMetric(ops, rejected, 'bad_authenticator', 1);
      const overrun = start(20);
      overrun[21] = 250; // the first attribute runs past the end
      await sendUdp(client, radiusPort, overrun);
      await waitForMetric(ops, rejected, 'malformed', 1);
      const access = start(21);
      access[0] = 1; // Access-Request on the accounting port
      await sendUdp(client, radiusPort, access);
      await waitForMetric(ops, rejected, 'not_accounting', 1);
      for (let i = 0; i < 4; i++) await sendUdp(client, radiusPort, start(30 + i));
      await waitForMetric(ops, rejected, 'rate_limited', 1);
      await waitFor(
        () => rejectionLines(ingest.lines).filter((l) => l.includes('"transport":"radius"')).length >= 7,
        { what: 'the RADIUS rejection lines' },
      );

      const lines = [...ingest.lines];
      const radiusLines = rejectionLines(lines).filter((l) => l.includes('"transport":"radius"'));
      const reasons = new Set(radiusLines.map((l) => JSON.parse(l).reason as string));
      assert.deepEqual([...reasons].sort(), [
        'bad_authenticator',
        'malformed',
        'not_accounting',
        'rate_limited',
        'unknown_client',
      ]);
      const radiusJail = fail2banMatches('smartassistant-radius', lines);
      for (const line of radiusLines) {
        const { reason, src } = JSON.parse(line) as { reason: string; src: string };
        if (reason === 'unknown_client') {
          assert.equal(src, stranger);
          assert.equal(radiusJail.get(line), stranger, `the radius filter matches:\n${line}`);
        } else {
          assert.equal(src, client, `${reason} comes from the client's address`);
          assert.equal(radiusJail.has(line), false, `never ban a client's address:\n${line}`);
        }
      }
      assert.equal([...radiusJail.keys()].filter((l) => !radiusLines.includes(l)).length, 0, 'no other line');
      for (const filter of ['smartassistant', 'smartassistant-udp'])
        assert.equal(fail2banMatches(filter, lines).size, 0, `${filter} matches no RADIUS line`);
    } finally {
      await ingest.stop();
    }
  });

  it('given the shipped jails, when fail2ban-client reads them, then the UDP and RADIUS jails are off, the ingest jail bans only on HTTP rejections, the UDP jail switched on bans UDP only without sharing a chain, and the RADIUS jail switched on bans unknown clients on the RADIUS port over UDP only', () => {
    const shipped = fail2banJailCommands();
    const started = shipped.filter((l) => l.startsWith("['start',"));
    assert.deepEqual(started, ["['start', 'smartassistant']", "['start', 'smartassistant-admin']"]);
    const regex = (jail: string, commands: string[]) =>
      commands.filter((l) => l.startsWith(`['set', '${jail}', 'addfailregex'`));
    assert.equal(regex('smartassistant', shipped).length, 1);
    assert.match(regex('smartassistant', shipped)[0]!, /"transport":"http"/);

    const withUdp = fail2banJailCommands(['smartassistant-udp']);
    assert.ok(withUdp.includes("['start', 'smartassistant-udp']"));
    assert.match(regex('smartassistant-udp', withUdp)[0]!, /"transport":"udp"/);
    const actions = withUdp.filter((l) => l.startsWith("['multi-set', 'smartassistant-udp', 'action'"));
    assert.equal(actions.length, 1, 'one ban action');
    assert.match(actions[0]!, /\['protocol', 'udp'\]/);
    const chains = (jail: string) =>
      [
        ...withUdp
          .filter((l) => l.startsWith(`['multi-set', '${jail}', 'action'`))
          .join('\n')
          .matchAll(/\['name', '([^']+)'\]/g),
      ].map((m) => m[1] as string);
    const udpChains = chains('smartassistant-udp');
    assert.deepEqual(udpChains, ['smartassistant-udp-only']);
    assert.ok(
      !chains('smartassistant').some((c) => udpChains.includes(c)),
      'no chain shared with the ingest jail',
    );

    const withRadius = fail2banJailCommands(['smartassistant-radius']);
    assert.ok(withRadius.includes("['start', 'smartassistant-radius']"));
    assert.match(
      regex('smartassistant-radius', withRadius)[0]!,
      /"reason":"unknown_client".*"transport":"radius"/,
    );
    const radiusActions = withRadius.filter((l) =>
      l.startsWith("['multi-set', 'smartassistant-radius', 'action'"),
    );
    assert.equal(radiusActions.length, 1, 'one ban action');
    assert.match(radiusActions[0]!, /\['protocol', 'udp'\]/);
    assert.match(radiusActions[0]!, /\['port', '1813'\]/);
    assert.match(radiusActions[0]!, /\['name', 'smartassistant-radius'\]/);
  });

  it('given the real admin with failed and successful logins, when fail2ban-regex applies the admin filter, then only the failures match, each with its client address', async () => {
    const prefix = newPrefix();
    const schema = prefix;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    let admin: ServiceProcess | undefined;
    try {
      admin = await startService('admin', {
        NATS_URL,
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        SA_BUS_PREFIX: prefix,
        ADMIN_HOST: '127.0.0.1',
        ADMIN_PORT: '0',
        OPS_PORT: '0',
        ADMIN_PASSWORD: password,
        ADMIN_KEK: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'info',
      });
      const http = new URL(String(admin.listening.http));
      const login = (src: string, username: string, pass: string) =>
        postJson(http, '/api/v1/auth/login', src, { username, password: pass });
      assert.equal(await login('127.0.0.31', 'admin', 'wrong-password'), 401);
      assert.equal(await login('127.0.0.32', 'nobody', 'whatever-else'), 401);
      assert.equal(await login('127.0.0.33', 'admin', password), 200);
      await waitFor(() => admin?.lines.filter((l) => l.includes('"event":"login_failed"')).length === 2, {
        what: 'two failed-login lines',
      });

      const lines = [...admin.lines];
      const matches = fail2banMatches('smartassistant-admin', lines);
      const failures = lines.filter((l) => l.includes('"event":"login_failed"'));
      assert.deepEqual(
        failures.map((l) => matches.get(l)),
        ['127.0.0.31', '127.0.0.32'],
      );
      assert.ok(
        lines.some((l) => l.includes('"event":"login"') && l.includes('127.0.0.33')),
        'the successful login is logged',
      );
      assert.deepEqual(
        lines.filter((l) => matches.has(l) && !failures.includes(l)),
        [],
        'no other line may match',
      );
    } finally {
      await admin?.stop();
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.end();
    }
  });
});

async function waitForMetric(
  ops: string,
  name: string,
  reason: string | undefined,
  atLeast: number,
): Promise<void> {
  let value = 0;
  await waitFor(
    async () => {
      value = await metric(ops, name, reason);
      return value >= atLeast;
    },
    { what: `${name}${reason ? `{reason="${reason}"}` : ''} >= ${atLeast}`, intervalMs: 50 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}: it stayed at ${value}`);
  });
}

function postJson(base: URL, path: string, localAddress: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

// Enrolment the way a phone user does it (issue 14): admin's QR code, as a PNG, is read by the real
// `sa-phone enrol` command; from then on `sa-phone ping` with no key flags speaks as the enrolled
// device under its own key, to the real ingest over UDP and over HTTP, knocking first.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PhoneClient } from '@sa/phone-client';
import { formatEnrolment, parseEnrolment } from '@sa/phone-protocol';
import { deleteBusStreams, openSnapshotBuckets, Redis } from '@sa/platform';
import { type BusNames, busNames, encodeMessage, v1 } from '@sa/proto';
import {
  deleteRedisKeys,
  repoRoot,
  type ServiceProcess,
  startService,
  testUrls,
  uniqueName,
  waitFor,
} from '@sa/testkit';
import QRCode from 'qrcode';

const DEVICE = 'phone-enrol-1';
const OWN_SECRET = 'Enr0lledPh0neK3y';
const OWN_KEY_ID = 41;
const SERVER_SECRET = 'SharedServerKey1';
const saPhoneBin = join(repoRoot, 'packages', 'phone-client', 'bin', 'sa-phone.js');

const prefix = uniqueName('enrol');
const names: BusNames = busNames(prefix);
const workDir = mkdtempSync(join(tmpdir(), 'sa-phone-enrol-'));
/** the default state path under XDG_CONFIG_HOME: no --state and no SA_PHONE_STATE below */
const stateFile = join(workDir, 'config', 'sa-phone', 'enrolment.json');
let nc: NatsConnection;
let ingest: ServiceProcess;
let port: number;
const knockServers: Server[] = [];
const knocked: number[] = [];

function saPhone(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: workDir, XDG_CONFIG_HOME: join(workDir, 'config') };
  return new Promise((resolve) => {
    execFile(process.execPath, [saPhoneBin, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A TCP port that records each connection attempt (a knock) in `knocked`. */
async function knockListener(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  knockServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: p } = server.address() as { port: number };
  server.on('connection', () => knocked.push(p));
  return p;
}

/** What admin does: the device (enrolled), the server key ring, and the device's own key. */
async function seed(): Promise<void> {
  const buckets = await openSnapshotBuckets(nc, names);
  const deviceKeys = await new Kvm(nc).create(names.deviceKeysBucket, { history: 1, replicas: 1 });
  const key = (keyId: number, secret: string, deviceId = '') =>
    v1.ServerKey.create({
      keyId,
      secret: Buffer.from(secret, 'ascii'),
      state: v1.KeyState.KEY_STATE_ACTIVE,
      deviceId,
    });
  await buckets.keys.put(
    'ring',
    encodeMessage(
      v1.KeyRingChanged,
      v1.KeyRingChanged.create({ revision: Date.now(), keys: [key(1, SERVER_SECRET)] }),
      'KeyRingChanged',
    ),
  );
  const device = v1.Device.create({
    deviceId: DEVICE,
    extension: '231',
    enabled: true,
    tier: v1.Tier.TIER_STANDARD,
    permissions: { genericDestinations: true },
    enrolled: true,
  });
  await buckets.devices.put(DEVICE, encodeMessage(v1.Device, device, 'Device'));
  const own = v1.DeviceKeys.create({ deviceId: DEVICE, keys: [key(OWN_KEY_ID, OWN_SECRET, DEVICE)] });
  await deviceKeys.put(DEVICE, encodeMessage(v1.DeviceKeys, own, 'DeviceKeys'));
}

describe('sa-phone enrol from a QR code image, then ping with the stored enrolment', () => {
  before(async () => {
    nc = await connect({ servers: testUrls.nats });
    await seed();
    ingest = await startService('ingest', {
      env: {
        NATS_URL: testUrls.nats,
        REDIS_URL: testUrls.redis,
        SA_BUS_PREFIX: prefix,
        REDIS_KEY_PREFIX: `${prefix}:ingest:`,
        INGEST_HOST: '127.0.0.1',
        INGEST_PORT: '0',
      },
    });
    port = Number(String(ingest.addresses.udp).split(':').pop());
    assert.ok(port > 0, `ingest addresses: ${JSON.stringify(ingest.addresses)}`);
    // ingest answers the device once it has read its own key from the bus
    const phone = new PhoneClient(
      { deviceId: DEVICE, secret: OWN_SECRET, keyId: OWN_KEY_ID, ownKey: true },
      { host: '127.0.0.1', port, transport: 'udp' },
    );
    await waitFor(async () => (await phone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 1, {
      timeoutMs: 15_000,
      what: 'ingest to accept the device own key',
    });
  });

  after(async () => {
    await ingest?.stop();
    for (const s of knockServers) s.close();
    if (nc) {
      await deleteBusStreams(nc, names);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(`KV_${names.deviceKeysBucket}`).catch(() => {});
      await nc.close();
    }
    const redis = new Redis(testUrls.redis);
    await deleteRedisKeys(redis, `${prefix}:ingest:*`);
    await redis.quit();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('given admin QR code as a PNG, when enrolled and pinged with no key flags, then ingest answers OK over UDP and HTTP under the device own key', async () => {
    const knock = [await knockListener(), await knockListener()];
    // the first host does not answer (nothing listens on 127.0.0.2): the phone tries the next
    const payload = formatEnrolment({
      deviceId: DEVICE,
      extension: '231',
      keyId: OWN_KEY_ID,
      secret: OWN_SECRET,
      hosts: ['127.0.0.2', '127.0.0.1'],
      port,
      knock,
      url: `http://127.0.0.1:${port}/v1/phone`,
    });
    const png = join(workDir, 'enrolment.png');
    await QRCode.toFile(png, payload, { type: 'png' });

    const enrol = await saPhone(['enrol', png]);
    assert.equal(enrol.code, 0, enrol.stderr);
    assert.equal(
      `${enrol.stdout}${enrol.stderr}`.includes(OWN_SECRET),
      false,
      'enrol never prints the secret',
    );
    const printed = JSON.parse(enrol.stdout) as { stateFile: string; enrolment: Record<string, unknown> };
    assert.equal(printed.stateFile, stateFile);
    assert.equal(printed.enrolment.deviceId, DEVICE);
    assert.equal(printed.enrolment.keyId, OWN_KEY_ID);

    assert.equal(statSync(stateFile).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(stateFile, 'utf8')) as { enrolment: unknown; lastCounter: number };
    assert.deepEqual(stored.enrolment, parseEnrolment(payload));
    assert.equal(stored.lastCounter, 0);

    const udp = await saPhone(['ping', '--knock-delay', '5']);
    assert.equal(udp.code, 0, udp.stderr);
    assert.equal(JSON.parse(udp.stdout.trim()).status, 'REPLY_STATUS_OK');
    assert.match(udp.stderr, /no reply from 127\.0\.0\.2: trying 127\.0\.0\.1/);
    await waitFor(() => knock.every((p) => knocked.includes(p)), { timeoutMs: 3000, what: 'both knocks' });
    const afterUdp = JSON.parse(readFileSync(stateFile, 'utf8')) as { lastCounter: number };
    assert.ok(afterUdp.lastCounter > 0, 'the counter is kept in the state file');

    const http = await saPhone(['ping', '--transport', 'http', '--knock-delay', '5']);
    assert.equal(http.code, 0, http.stderr);
    assert.equal(JSON.parse(http.stdout.trim()).status, 'REPLY_STATUS_OK');
    const afterHttp = JSON.parse(readFileSync(stateFile, 'utf8')) as { lastCounter: number };
    assert.ok(afterHttp.lastCounter > afterUdp.lastCounter, 'strictly increasing across runs');
    assert.equal(statSync(stateFile).mode & 0o777, 0o600, 'still 0600 after the counter updates');

    const show = await saPhone(['enrolment', 'show']);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.stdout.includes(OWN_SECRET), false, 'show never prints the secret');
    assert.equal((JSON.parse(show.stdout) as { lastCounter: number }).lastCounter, afterHttp.lastCounter);
  });

  test('given an enrolled phone, when explicit flags name the server key, then they override the enrolment and ingest refuses the server key for this enrolled device', async () => {
    const r = await saPhone([
      'ping',
      ...['-d', DEVICE, '-k', SERVER_SECRET, '-H', '127.0.0.1', '-p', String(port), '--timeout', '500'],
    ]);
    assert.equal(r.code, 2, `${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, /no reply/);
    await ingest.waitForLog(
      (l) => l.event === 'packet_rejected' && l.reason === 'server_key_refused',
      5000,
      'server_key_refused',
    );
  });

  test('given the enrolment forgotten, when pinged with no key flags, then sa-phone says it is not enrolled', async () => {
    const forget = await saPhone(['enrolment', 'forget']);
    assert.equal(forget.code, 0, forget.stderr);
    assert.throws(() => statSync(stateFile), /ENOENT/);
    const r = await saPhone(['ping', '--timeout', '300']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not enrolled/);
  });
});

// Benchmark: RADIUS accounting (docs/radius.md) into a real ingest process over loopback UDP. Steps the
// offered rate of Interim-Updates for registered Wi-Fi MACs (each one published to JetStream before its
// Accounting-Response), and measures against two same-run baselines on the same machine:
//   app   - the phone app's encrypted packets into the same ingest process (the path RADIUS sits beside);
//   echo  - a bare Node UDP echo server (what one datagram in, one out costs with no work at all).
// Each path: the highest step answered with 0 % loss, its latency, and the process CPU per request.
// Last line of output: one JSON object.
//   npm run bench:radius
// Env: BENCH_DEVICES (10000), BENCH_STEPS ("1000,2000,5000,10000,15000,20000"), BENCH_STEP_S (3),
//      BENCH_SOCKETS (16: RADIUS identifiers are 8 bits, so requests in flight are spread over sockets),
//      NATS_URL, REDIS_URL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { deriveEnvelopeKey, sealRequest } from '@sa/phone-protocol';
import {
  deleteBusStreams,
  ensurePhoneStream,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  Redis,
} from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys } from '@sa/testkit';
import radius from 'radius';
import { cpuMicros, quantile } from './process-stats.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const STEPS = (process.env.BENCH_STEPS ?? '1000,2000,5000,10000,15000,20000').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_STEP_S ?? 3);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 16);
const RADIUS_SECRET = 'bench-radius-secret';
const PHONE_SECRET = 'BenchKey12345678';
const KEY_ID = 2;

const prefix = `bench_${randomBytes(3).toString('hex')}`;
const names = busNames(prefix);
const redisPrefix = `${prefix}:ingest:`;
const log = (...a: unknown[]) => console.log(...a);
const deviceId = (i: number) => `r${i}`;
const macOf = (i: number) =>
  `02:00:${[i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

async function seed(nc: Awaited<ReturnType<typeof connect>>): Promise<void> {
  await ensurePhoneStream(nc, names);
  const { devices, keys } = await openSnapshotBuckets(nc, names);
  const ring = v1.KeyRingChanged.create({
    keys: [{ keyId: KEY_ID, secret: Buffer.from(PHONE_SECRET), state: v1.KeyState.KEY_STATE_ACTIVE }],
  });
  await keys.put('ring', encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
  const clients = v1.AccountingClients.create({
    revision: 1,
    clients: [
      { id: 'bench', name: 'bench', network: '127.0.0.1', secret: Buffer.from(RADIUS_SECRET), enabled: true },
    ],
  });
  await (await openRadiusClientsBucket(nc, names)).put(
    'clients',
    encodeMessage(v1.AccountingClients, clients, 'AccountingClients'),
  );
  for (let i = 0; i < DEVICES; i += 1000) {
    const puts = [];
    for (let k = i; k < Math.min(i + 1000, DEVICES); k++) {
      const d = v1.Device.create({
        deviceId: deviceId(k),
        extension: `${1000 + (k % 5000)}`,
        enabled: true,
        tier: 2,
        wifiMacs: [macOf(k)],
      });
      puts.push(devices.put(d.deviceId, encodeMessage(v1.Device, d, 'Device')));
    }
    await Promise.all(puts);
  }
  log(`seeded ${DEVICES} devices with a Wi-Fi MAC each (bus prefix ${prefix})`);
}

function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; listening: Record<string, string> }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.on('exit', (code) => reject(new Error(`${args.at(-1)} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (line.includes('"event":"listening"')) resolve({ child, listening: JSON.parse(line) });
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
  });
}

function startIngest() {
  const dist = new URL('../dist/main.js', import.meta.url).pathname;
  const args = existsSync(dist)
    ? [dist]
    : ['--import', 'tsx', new URL('../src/main.ts', import.meta.url).pathname];
  return startProcess(args, {
    NODE_OPTIONS: '--max-semi-space-size=8 --max-old-space-size=384',
    NATS_URL,
    REDIS_URL,
    SA_BUS_PREFIX: prefix,
    REDIS_KEY_PREFIX: redisPrefix,
    INGEST_HOST: '127.0.0.1',
    INGEST_PORT: '0',
    OPS_PORT: '0',
    RADIUS_HOST: '127.0.0.1',
    RADIUS_PORT: '0',
    LOG_LEVEL: 'info',
    RATE_LIMIT_IP_PER_SEC: '1000000000', // every bench packet comes from 127.0.0.1
    RATE_LIMIT_IP_BURST: '1000000000',
    RADIUS_RATE_LIMIT_PER_SEC: '1000000000',
    RADIUS_RATE_LIMIT_BURST: '1000000000',
    REJECT_LOG_PER_SEC: '5',
  });
}

/** A bare UDP echo server in its own Node process: the floor for one datagram in, one out. */
function startEcho() {
  const code = `const s=require('node:dgram').createSocket({type:'udp4',recvBufferSize:8<<20});s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(0,'127.0.0.1',()=>console.log(JSON.stringify({event:'listening',udp:'127.0.0.1:'+s.address().port})));`;
  return startProcess(['-e', code], {});
}

/** One step's requests: packet i goes out on socket i % SOCKETS; `key` maps a reply back to i. */
interface Load {
  readonly packets: Uint8Array[];
  /** the key of packet i as its reply will show it */
  readonly keyOfPacket: (i: number) => number;
  readonly keyOfReply: (reply: Buffer) => number;
  readonly sockets: number;
}

async function offer(port: number, load: Load, seconds: number) {
  const { packets } = load;
  const sockets: Socket[] = [];
  let replies = 0;
  const sentAt = new Float64Array(packets.length);
  const latencies = new Float64Array(packets.length);
  const inFlight = Array.from({ length: load.sockets }, () => new Map<number, number>());
  for (let s = 0; s < load.sockets; s++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    socket.on('message', (reply: Buffer) => {
      const i = inFlight[s]!.get(load.keyOfReply(reply));
      if (i === undefined || sentAt[i] === 0) return;
      latencies[replies++] = performance.now() - sentAt[i]!;
      sentAt[i] = 0;
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => socket.connect(port, '127.0.0.1', () => r()));
    sockets.push(socket);
  }
  const start = performance.now();
  let sent = 0;
  while (sent < packets.length) {
    const due = Math.min(
      packets.length,
      Math.floor(((performance.now() - start) / 1000 / seconds) * packets.length),
    );
    const now = performance.now();
    while (sent < due) {
      const s = sent % load.sockets;
      inFlight[s]!.set(load.keyOfPacket(sent), sent);
      sentAt[sent] = now;
      sockets[s]!.send(packets[sent++]!);
    }
    await new Promise((r) => setImmediate(r));
  }
  const deadline = performance.now() + 3000;
  while (replies < packets.length && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const elapsedS = (performance.now() - start) / 1000;
  for (const s of sockets) s.close();
  return { replies, elapsedS, latencies };
}

interface StepResult {
  readonly offered: number;
  readonly pps: number;
  readonly lossPct: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
}

/** Steps the rate up until a step loses a request; returns every step run. */
async function steps(label: string, pid: number, port: number, makeLoad: (n: number) => Load) {
  const done: StepResult[] = [];
  await offer(port, makeLoad(1000), 1); // warm-up (JIT, connections), not reported
  for (const rate of STEPS) {
    const load = makeLoad(Math.round(rate * STEP_S));
    const cpu0 = cpuMicros(pid);
    const { replies, elapsedS, latencies } = await offer(port, load, STEP_S);
    const cpu1 = cpuMicros(pid);
    const n = load.packets.length;
    const step: StepResult = {
      offered: rate,
      pps: Math.round(replies / Math.max(STEP_S, elapsedS - 3)),
      lossPct: Number(((100 * (n - replies)) / n).toFixed(3)),
      p50Ms: quantile(latencies, replies, 0.5),
      p99Ms: quantile(latencies, replies, 0.99),
      cpuUsPerRequest: Math.round((cpu1 - cpu0) / Math.max(1, replies)),
    };
    log(`${label} step ${JSON.stringify(step)}`);
    done.push(step);
    if (step.lossPct > 0) break;
  }
  return done;
}

const lossless = (all: readonly StepResult[]) => all.filter((s) => s.lossPct === 0);

let children: ChildProcess[] = [];

async function cleanUp(): Promise<void> {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const nc = await connect({ servers: NATS_URL });
  await deleteBusStreams(nc, names);
  await nc.close();
  const redis = new Redis(REDIS_URL);
  await deleteRedisKeys(redis, `${redisPrefix}*`);
  await redis.quit();
}

async function metricSum(ops: string, name: string): Promise<number> {
  const text = await (await fetch(`${ops}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function main(): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  await seed(nc);
  await nc.close();
  const ingest = await startIngest();
  const echo = await startEcho();
  children = [ingest.child, echo.child];
  const radiusPort = Number(ingest.listening.radius!.split(':').pop());
  const appPort = Number(ingest.listening.udp!.split(':').pop());
  const echoPort = Number(echo.listening.udp!.split(':').pop());
  await new Promise((r) => setTimeout(r, 1000));

  // RADIUS: Interim-Updates, each a new report (session time grows), round-robin over the devices
  let seq = 0;
  const radiusLoad = (n: number): Load => {
    const packets = Array.from({ length: n }, (_, i) => {
      const k = seq++;
      return radius.encode({
        code: 'Accounting-Request',
        secret: RADIUS_SECRET,
        identifier: Math.floor(i / SOCKETS) % 256,
        attributes: [
          ['Acct-Status-Type', 'Interim-Update'],
          ['Acct-Session-Id', `bench-${k % DEVICES}`],
          ['Acct-Session-Time', Math.floor(k / DEVICES) + 1],
          [
            'Calling-Station-Id',
            macOf(k % DEVICES)
              .toUpperCase()
              .replaceAll(':', '-'),
          ],
          ['Called-Station-Id', 'AA-BB-CC-DD-EE-01:Office'],
          ['NAS-IP-Address', '127.0.0.1'],
          ['Acct-Input-Octets', k],
        ],
      });
    });
    return {
      packets,
      sockets: SOCKETS,
      keyOfPacket: (i) => Math.floor(i / SOCKETS) % 256,
      keyOfReply: (reply) => reply[1]!,
    };
  };

  // the app path: valid presence packets; the reply echoes the counter
  const key = deriveEnvelopeKey(PHONE_SECRET);
  let counter = Date.now() - 10_000_000;
  let device = 0;
  const appLoad = (n: number): Load => {
    const first = counter;
    const packets = Array.from({ length: n }, () =>
      sealRequest({
        key,
        keyId: KEY_ID,
        deviceId: deviceId(device++ % DEVICES),
        counter: counter++,
        timestampMs: Date.now() + STEP_S * 500,
        body: { presence: { connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01' } } },
        padTo: 140,
      }),
    );
    return {
      packets,
      sockets: 1,
      keyOfPacket: (i) => first + i,
      keyOfReply: (reply) => {
        const at = 9 + reply[8]!;
        return reply.readUInt32BE(at) * 0x1_0000_0000 + reply.readUInt32BE(at + 4);
      },
    };
  };

  // echo: 140-byte datagrams numbered in their first 4 bytes
  const echoLoad = (n: number): Load => {
    const packets = Array.from({ length: n }, (_, i) => {
      const b = Buffer.alloc(140);
      b.writeUInt32BE(i);
      return b;
    });
    return { packets, sockets: 1, keyOfPacket: (i) => i, keyOfReply: (reply) => reply.readUInt32BE(0) };
  };

  const published0 = await metricSum(ingest.listening.ops!, 'sa_ingest_publish_latency_seconds_count');
  const radiusSteps = await steps('radius', ingest.child.pid!, radiusPort, radiusLoad);
  const answered = await metricSum(ingest.listening.ops!, 'sa_ingest_radius_answered_total');
  const published =
    (await metricSum(ingest.listening.ops!, 'sa_ingest_publish_latency_seconds_count')) - published0;
  const appSteps = await steps('app', ingest.child.pid!, appPort, appLoad);
  const echoSteps = await steps('echo', echo.child.pid!, echoPort, echoLoad);
  await cleanUp();

  const radiusBest = lossless(radiusSteps).at(-1);
  const appBest = lossless(appSteps).at(-1);
  const echoBest = lossless(echoSteps).at(-1);
  // CPU per request falls as the rate rises (fixed costs spread): compare at one rate both held
  const sameRate = lossless(radiusSteps)
    .map((r) => r.offered)
    .filter((rate) => lossless(appSteps).some((a) => a.offered === rate))
    .at(-1);
  const at = (all: readonly StepResult[]) => all.find((s) => s.offered === sameRate)?.cpuUsPerRequest ?? null;

  const result = {
    radiusPps: radiusBest?.pps ?? 0,
    radiusOfferedPps: radiusBest?.offered ?? 0,
    radiusP50Ms: radiusBest?.p50Ms ?? null,
    radiusP99Ms: radiusBest?.p99Ms ?? null,
    radiusCpuUsPerRequest: radiusBest?.cpuUsPerRequest ?? null,
    radiusAnswered: answered,
    radiusPublished: published,
    appPps: appBest?.pps ?? 0,
    appCpuUsPerRequest: appBest?.cpuUsPerRequest ?? null,
    echoPps: echoBest?.pps ?? 0,
    echoCpuUsPerRequest: echoBest?.cpuUsPerRequest ?? null,
    sameRatePps: sameRate ?? null,
    radiusCpuUsAtSameRate: at(radiusSteps),
    appCpuUsAtSameRate: at(appSteps),
    echoCpuUsAtSameRate: at(echoSteps),
    devices: DEVICES,
    steps: STEPS,
    stepS: STEP_S,
  };
  console.log(JSON.stringify(result));
}

main().catch(async (err) => {
  console.error(err);
  await cleanUp().catch(() => {});
  process.exit(1);
});

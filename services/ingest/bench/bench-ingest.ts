// Benchmark: drives a real ingest process over loopback UDP with valid packets from many registered
// devices, steps the offered load to find the sustained rate, and compares it with a bare JetStream
// publish loop on the same NATS. Last line of output: one JSON object (see services/ingest/README).
//   node --import tsx services/ingest/bench/bench-ingest.ts
// Env: BENCH_DEVICES (100000), BENCH_STEPS ("2000,5000,10000,15000,20000,25000"), BENCH_STEP_S (3),
//      BENCH_REJECT_S (2), BENCH_WARMUP_S (2, at 2000 pps, not reported), BENCH_INFLIGHT (1024),
//      BENCH_NODE_ARGS (extra node flags for the ingest process, e.g. "--cpu-prof
//      --cpu-prof-dir=/tmp/prof"), INGEST_NODE_OPTIONS (NODE_OPTIONS of the ingest process, default
//      "--max-semi-space-size=8 --max-old-space-size=384" as deployed), NATS_URL, REDIS_URL.
// Latency p50/p99 are exact: every request's send time against its reply's arrival (the reply
// header echoes the counter), so they cover datagram sent -> publish acked -> reply received.
// CPU per packet: the ingest process's user+system CPU (/proc/<pid>/stat) over a phase / packets.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { deriveEnvelopeKey, sealRequest } from '@sa/phone-protocol';
import { deleteBusStreams, ensurePhoneStream, openSnapshotBuckets, Redis } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys } from '@sa/testkit';
import { cpuMicros, quantile, rssMb } from './process-stats.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const STEPS = (process.env.BENCH_STEPS ?? '2000,5000,10000,15000,20000,25000').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_STEP_S ?? 3);
const REJECT_S = Number(process.env.BENCH_REJECT_S ?? 2);
/** warm-up before the first step (JIT, connections), not reported */
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 1024);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** what a deployment sets for ingest (README "Performance"): a smaller young generation */
const INGEST_NODE_OPTIONS =
  process.env.INGEST_NODE_OPTIONS ?? '--max-semi-space-size=8 --max-old-space-size=384';
const SECRET = 'BenchKey12345678';
const KEY_ID = 2;

const prefix = `bench_${randomBytes(3).toString('hex')}`;
const names = busNames(prefix);
const redisPrefix = `${prefix}:ingest:`;
const log = (...a: unknown[]) => console.log(...a);
const deviceId = (i: number) => `b${i}`;

async function seed(nc: Awaited<ReturnType<typeof connect>>): Promise<void> {
  await ensurePhoneStream(nc, names);
  const { devices, keys } = await openSnapshotBuckets(nc, names);
  const ring = v1.KeyRingChanged.create({
    keys: [{ keyId: KEY_ID, secret: Buffer.from(SECRET), state: v1.KeyState.KEY_STATE_ACTIVE }],
  });
  await keys.put('ring', encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
  const started = Date.now();
  for (let i = 0; i < DEVICES; i += 1000) {
    const puts = [];
    for (let k = i; k < Math.min(i + 1000, DEVICES); k++) {
      const d = v1.Device.create({
        deviceId: deviceId(k),
        extension: `${1000 + (k % 5000)}`,
        enabled: true,
        tier: 2,
      });
      puts.push(devices.put(d.deviceId, encodeMessage(v1.Device, d, 'Device')));
    }
    await Promise.all(puts);
  }
  log(`seeded ${DEVICES} devices in ${Date.now() - started} ms (bus prefix ${prefix})`);
}

function startIngest(): Promise<{ child: ChildProcess; port: number; ops: string }> {
  const dist = new URL('../dist/main.js', import.meta.url).pathname;
  const args = existsSync(dist)
    ? [...NODE_ARGS, dist]
    : [...NODE_ARGS, '--import', 'tsx', new URL('../src/main.ts', import.meta.url).pathname];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NODE_OPTIONS: INGEST_NODE_OPTIONS,
      NATS_URL,
      REDIS_URL,
      SA_BUS_PREFIX: prefix,
      REDIS_KEY_PREFIX: redisPrefix,
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      RATE_LIMIT_IP_PER_SEC: '1000000000', // every bench packet comes from 127.0.0.1
      RATE_LIMIT_IP_BURST: '1000000000',
      PUBLISH_MAX_INFLIGHT: String(INFLIGHT),
      REJECT_LOG_PER_SEC: '5',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.on('exit', (code) => reject(new Error(`ingest exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"event":"listening"')) continue;
        const l = JSON.parse(line) as { udp: string; ops: string };
        resolve({ child, port: Number(l.udp.split(':').pop()), ops: l.ops });
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
  });
}

async function metric(ops: string, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${ops}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)$/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

/** Sends `packets` (counters firstCounter, firstCounter + 1, ...) paced over `seconds`, times replies. */
async function offer(
  port: number,
  packets: Uint8Array[],
  firstCounter: number,
  seconds: number,
): Promise<{ replies: number; elapsedS: number; latencies: Float64Array }> {
  const socket = createSocket({
    type: 'udp4',
    recvBufferSize: 16 * 1024 * 1024,
    sendBufferSize: 16 * 1024 * 1024,
  });
  let replies = 0;
  const sentAt = new Float64Array(packets.length);
  const latencies = new Float64Array(packets.length);
  socket.on('message', (reply: Buffer) => {
    const at = 9 + reply[8]!; // the counter follows the device id in the header
    const i = reply.readUInt32BE(at) * 0x1_0000_0000 + reply.readUInt32BE(at + 4) - firstCounter;
    if (i >= 0 && i < packets.length && sentAt[i]! > 0) {
      latencies[replies++] = performance.now() - sentAt[i]!;
      sentAt[i] = 0;
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  // connected: no address lookup per send, so the load generator takes less of the shared CPU
  await new Promise<void>((r) => socket.connect(port, '127.0.0.1', () => r()));
  const start = performance.now();
  let sent = 0;
  while (sent < packets.length) {
    const due = Math.min(
      packets.length,
      Math.floor(((performance.now() - start) / 1000 / seconds) * packets.length),
    );
    const now = performance.now();
    while (sent < due) {
      sentAt[sent] = now;
      socket.send(packets[sent++]!);
    }
    await new Promise((r) => setImmediate(r));
  }
  const deadline = performance.now() + 3000;
  while (replies < packets.length && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const elapsedS = (performance.now() - start) / 1000;
  socket.close();
  return { replies, elapsedS, latencies };
}

let started: ChildProcess | undefined;

/** Deletes this run's streams, buckets and Redis keys (also after a failed run). */
async function cleanUp(): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  await deleteBusStreams(nc, names);
  await nc.close();
  const redis = new Redis(REDIS_URL);
  await deleteRedisKeys(redis, `${redisPrefix}*`);
  await redis.quit();
}

async function main(): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  await seed(nc);
  const ingest = await startIngest();
  started = ingest.child;
  await new Promise((r) => setTimeout(r, 1000));
  const rssStartMb = Math.round(rssMb(ingest.child.pid!)); // devices loaded, no traffic yet
  let maxRss = 0;
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb(ingest.child.pid!));
  }, 200);
  const key = deriveEnvelopeKey(SECRET);
  let device = 0;
  // one counter for every device, consecutive so replies map back to their packet; it starts 10^7
  // below the clock because it grows by one per packet, and ingest refuses a counter more than
  // TIMESTAMP_WINDOW_MS above the clock (counter_ahead)
  let counter = Date.now() - 10_000_000;
  const makeValid = (n: number) =>
    Array.from({ length: n }, () => {
      const i = device++ % DEVICES;
      return sealRequest({
        key,
        keyId: KEY_ID,
        deviceId: deviceId(i),
        counter: counter++,
        timestampMs: Date.now() + STEP_S * 500,
        body: { presence: { connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -50 } } },
        padTo: 140,
      });
    });

  let best = {
    pps: 0,
    lossPct: 100,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    offered: 0,
    cpuUsPerAccepted: Number.NaN,
  };
  if (WARMUP_S > 0) {
    const firstCounter = counter;
    await offer(ingest.port, makeValid(2000 * WARMUP_S), firstCounter, WARMUP_S);
  }
  for (const rate of STEPS) {
    const firstCounter = counter;
    const packets = makeValid(Math.round(rate * STEP_S));
    const cpu0 = cpuMicros(ingest.child.pid!);
    const { replies, elapsedS, latencies } = await offer(ingest.port, packets, firstCounter, STEP_S);
    const cpu1 = cpuMicros(ingest.child.pid!);
    const lossPct = (100 * (packets.length - replies)) / packets.length;
    const pps = replies / Math.max(STEP_S, elapsedS - 3); // replies may trail the last send by up to 3 s
    const step = {
      offered: rate,
      pps: Math.round(pps),
      lossPct: Number(lossPct.toFixed(3)),
      p50Ms: quantile(latencies, replies, 0.5),
      p99Ms: quantile(latencies, replies, 0.99),
      cpuUsPerAccepted: Math.round((cpu1 - cpu0) / Math.max(1, replies)),
    };
    log(`step ${JSON.stringify(step)}`);
    if (lossPct < 0.1) best = step;
    else break;
  }

  const rssAfterStepsMb = Math.round(maxRss); // peak while accepting (the reject flood follows)
  const mem = await metric(ingest.ops, 'sa_nodejs_');
  const memMb = (name: string) =>
    Math.round(([...mem].find(([k]) => k.startsWith(name))?.[1] ?? Number.NaN) / 1048576);
  log(
    `memory after steps ${JSON.stringify({
      rssMb: Math.round(rssMb(ingest.child.pid!)),
      heapTotalMb: memMb('sa_nodejs_heap_size_total_bytes'),
      heapUsedMb: memMb('sa_nodejs_heap_size_used_bytes'),
      externalMb: memMb('sa_nodejs_external_memory_bytes'),
    })}`,
  );
  // rejection throughput: garbage and wrong-key packets, sent as fast as this process can
  const wrongKey = deriveEnvelopeKey('WrongKey12345678');
  const junk = Array.from({ length: 20_000 }, (_, i) =>
    i % 2
      ? new Uint8Array(randomBytes(60 + (i % 400)))
      : sealRequest({
          key: wrongKey,
          keyId: KEY_ID,
          deviceId: deviceId(i),
          counter: i,
          timestampMs: Date.now(),
          body: { ping: {} },
        }),
  );
  const rejectedSum = async () =>
    [...(await metric(ingest.ops, 'sa_ingest_packets_rejected_total')).values()].reduce((a, b) => a + b, 0);
  const r0 = await rejectedSum();
  const rejectCpu0 = cpuMicros(ingest.child.pid!);
  const socket = createSocket({ type: 'udp4', sendBufferSize: 16 * 1024 * 1024 });
  await new Promise<void>((r) => socket.connect(ingest.port, '127.0.0.1', () => r()));
  const rStart = performance.now();
  let k = 0;
  while (performance.now() - rStart < REJECT_S * 1000) {
    for (let b = 0; b < 200; b++) socket.send(junk[k++ % junk.length]!);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 500));
  const rejectedCount = (await rejectedSum()) - r0;
  const cpuUsPerRejected = Math.round(
    (cpuMicros(ingest.child.pid!) - rejectCpu0) / Math.max(1, rejectedCount),
  );
  const rejectPps = rejectedCount / ((performance.now() - rStart) / 1000);
  socket.close();

  // ceiling: bare JetStream publish loop, same message size, same in-flight bound, same NATS
  const sample = encodeMessage(
    v1.PresenceReported,
    v1.PresenceReported.create({
      deviceId: 'b12345',
      extension: '1234',
      counter: Date.now(),
      sentAtMs: Date.now(),
      receivedAtMs: Date.now(),
      connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -50 },
      sourceIp: '127.0.0.1',
    }),
    'PresenceReported',
  );
  const js = jetstream(nc);
  const subject = names.presence('ceiling');
  let acked = 0;
  let issued = 0;
  const cStart = performance.now();
  const worker = async () => {
    while (performance.now() - cStart < STEP_S * 1000) {
      await js.publish(subject, sample, { msgID: `ceiling:${issued++}` });
      acked++;
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, worker));
  const ceilingPps = Math.round(acked / ((performance.now() - cStart) / 1000));

  const heap = await metric(ingest.ops, 'sa_nodejs_heap_size_');
  const heapUsedMb = Math.round(
    ([...heap].find(([k]) => k.startsWith('sa_nodejs_heap_size_used_bytes'))?.[1] ?? 0) / 1048576,
  );
  const heapTotalMb = Math.round(
    ([...heap].find(([k]) => k.startsWith('sa_nodejs_heap_size_total_bytes'))?.[1] ?? 0) / 1048576,
  );
  clearInterval(rssTimer);
  maxRss = Math.max(maxRss, rssMb(ingest.child.pid!));
  ingest.child.removeAllListeners('exit');
  ingest.child.kill('SIGTERM');
  await nc.close();
  await cleanUp();

  const result = {
    pps: best.pps,
    offeredPps: best.offered,
    lossPct: Number(best.lossPct.toFixed(3)),
    p50Ms: best.p50Ms,
    p99Ms: best.p99Ms,
    ceilingPps,
    ratio: Number((best.pps / ceilingPps).toFixed(3)),
    rejectPps: Math.round(rejectPps),
    cpuUsPerAccepted: best.cpuUsPerAccepted,
    cpuUsPerRejected,
    rssMb: Math.round(maxRss),
    rssAcceptPeakMb: rssAfterStepsMb,
    rssStartMb,
    heapUsedMb,
    heapTotalMb,
    devices: DEVICES,
    inFlight: INFLIGHT,
  };
  console.log(JSON.stringify(result));
}

main().catch(async (err) => {
  console.error(err);
  if (started && started.exitCode === null) started.kill('SIGTERM');
  await cleanUp().catch(() => {});
  process.exit(1);
});

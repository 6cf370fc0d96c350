// Router benchmark: loads BENCH_USERS user configs and BENCH_DEVICES devices, measures a bare
// JetStream publish loop (the ingest ceiling), then runs presence load through a real router
// process (stub ami-bridge answering AstDB writes here) with CallArrived requests at
// BENCH_CALL_RATE/s. Prints one JSON line last. Env: BENCH_USERS, BENCH_DEVICES, BENCH_SECONDS,
// BENCH_CALL_RATE, BENCH_WINDOW (publishes in flight), NATS_URL, REDIS_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensurePhoneStream, openSnapshotBuckets, Redis } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { officeConfig } from '../test/harness.js';

const num = (k: string, d: number) => Number(process.env[k] ?? d);
const USERS = num('BENCH_USERS', 100_000);
const DEVICES = num('BENCH_DEVICES', 150_000);
const SECONDS = num('BENCH_SECONDS', 10);
const CALL_RATE = num('BENCH_CALL_RATE', 500);
const WINDOW = num('BENCH_WINDOW', 512);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const APS = ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02'];

const prefix = `t_b${randomBytes(3).toString('hex')}`;
const names = busNames(prefix);
const nc = await connect({ servers: NATS_URL });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
const redis = new Redis(REDIS_URL);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const p99 = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! * 100) / 100;
};
const ext = (u: number) => String(100_000 + u);
const deviceUser = (d: number) => d % USERS; // first USERS devices: one per user; the rest: second devices

function presenceBytes(d: number, counter: number): { subject: string; data: Uint8Array; user: string } {
  const user = ext(deviceUser(d));
  const msg = v1.PresenceReported.create({
    deviceId: `DEV${d}`,
    extension: user,
    counter,
    sentAtMs: Date.now(),
    receivedAtMs: Date.now(),
    connected: { ssid: 'Corp', bssid: APS[counter % 2]!, rssiDbm: -50 },
    visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
  });
  return {
    subject: names.presence(user),
    data: encodeMessage(v1.PresenceReported, msg, 'PresenceReported'),
    user,
  };
}

async function windowed(
  total: number,
  seconds: number,
  send: (i: number) => Promise<unknown>,
): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let i = 0;
  const workers = Array.from({ length: WINDOW }, async () => {
    while (i < total && Date.now() < deadline) await send(i++);
  });
  await Promise.all(workers);
  return i;
}

try {
  await ensurePhoneStream(nc, names);
  const { users } = await openSnapshotBuckets(nc, names);
  log(`loading ${USERS} user configs (${prefix})`);
  for (let u = 0; u < USERS; u += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, USERS - u) }, (_, k) =>
        users.put(ext(u + k), officeConfig(ext(u + k))),
      ),
    );
  }

  // ingest ceiling: a bare JetStream publish loop of the same message size into a scratch stream
  const scratch = `${names.phoneStream}_CEIL`;
  await jsm.streams.add({ name: scratch, subjects: [`${prefix}.ceiling.>`] });
  const sample = presenceBytes(0, 1);
  const ceilSeconds = Math.max(2, SECONDS / 2);
  const t0 = performance.now();
  const sent = await windowed(Number.MAX_SAFE_INTEGER, ceilSeconds, (i) =>
    js.publish(`${prefix}.ceiling.${i % 1000}`, sample.data),
  );
  const ingestCeilingPps = Math.round(sent / ((performance.now() - t0) / 1000));
  await jsm.streams.delete(scratch);
  log(`ingest ceiling ${ingestCeilingPps}/s (${sample.data.length} bytes)`);

  // stub ami-bridge: answers AstDB writes and records when each target write arrived
  const wantAt = new Map<string, { value: string; at: number }>();
  const astLatency: number[] = [];
  nc.subscribe(names.amiCommand, {
    queue: 'ami-bridge',
    callback: (_e, m) => {
      const cmd = decodeMessage(v1.AmiCommand, m.data, 'AmiCommand');
      const put = cmd.dbPut;
      if (put?.key.endsWith('/target')) {
        const user = put.key.slice(0, -7);
        const w = wantAt.get(user);
        if (w && w.value === put.value) {
          astLatency.push(performance.now() - w.at);
          wantAt.delete(user);
        }
      }
      m.respond(
        encodeMessage(v1.AmiResult, v1.AmiResult.create({ requestId: cmd.requestId, ok: true }), 'AmiResult'),
      );
    },
  });

  const router = spawn(process.execPath, [join(import.meta.dirname, '..', 'dist', 'main.js')], {
    env: {
      ...process.env,
      NATS_URL,
      REDIS_URL,
      SA_BUS_PREFIX: prefix,
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      HYSTERESIS_REPORTS: '1',
      PRESENCE_TIMEOUT_S: '600',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const durable = 'router_p0_of_1';
  for (;;) {
    const ok = await jsm.consumers.info(names.phoneStream, durable).catch(() => null);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  log('router up; waiting for the start-up evaluation of every user');
  for (;;) {
    const n = await redis.eval(`return #redis.call('KEYS', ARGV[1])`, 0, `{sa:${prefix}:*}:st`);
    if (Number(n) >= USERS) break;
    await new Promise((r) => setTimeout(r, 500));
  }

  // presence load + calls
  const counters = new Uint32Array(DEVICES);
  const callLatency: number[] = [];
  let calling = true;
  const calls = (async () => {
    let k = 0;
    const interval = 1000 / CALL_RATE;
    const start = performance.now();
    const pending: Promise<void>[] = [];
    while (calling) {
      const due = start + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const user = ext(Math.floor(Math.random() * USERS));
      const req = v1.CallArrived.create({ callId: `c${k}`, extension: user, arrivedAtMs: Date.now() });
      const t = performance.now();
      pending.push(
        nc
          .request(names.callArrived, encodeMessage(v1.CallArrived, req, 'CallArrived'), { timeout: 2000 })
          .then(
            () => void callLatency.push(performance.now() - t),
            () => void callLatency.push(2000),
          ),
      );
      k++;
    }
    await Promise.all(pending);
  })();

  const before = (await jsm.consumers.info(names.phoneStream, durable)).ack_floor.stream_seq;
  const loadStart = performance.now();
  const published = await windowed(Number.MAX_SAFE_INTEGER, SECONDS, async () => {
    const d = Math.floor(Math.random() * DEVICES);
    const c = ++counters[d]!;
    const p = presenceBytes(d, c);
    // only first devices change a user's target deterministically; sample those
    if (d < USERS && !wantAt.has(p.user))
      wantAt.set(p.user, { value: c % 2 === 0 ? p.user : '299', at: performance.now() });
    await js.publish(p.subject, p.data);
  });
  const publishSeconds = (performance.now() - loadStart) / 1000;
  const target = (await jsm.streams.info(names.phoneStream)).state.last_seq;
  let ackedAt = performance.now();
  for (;;) {
    const info = await jsm.consumers.info(names.phoneStream, durable);
    if (info.ack_floor.stream_seq >= target) {
      ackedAt = performance.now();
      break;
    }
    if (performance.now() - loadStart > (SECONDS + 60) * 1000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  calling = false;
  await calls;
  const after = (await jsm.consumers.info(names.phoneStream, durable)).ack_floor.stream_seq;
  const eventsPerSec = Math.round((after - before) / ((ackedAt - loadStart) / 1000));
  log(`published ${published} in ${publishSeconds.toFixed(1)} s; consumed ${after - before}`);

  const sampleKeys = Array.from(
    { length: 200 },
    (_, i) => `{sa:${prefix}:${ext(Math.floor((i * USERS) / 200))}}:st`,
  );
  let stateBytes = 0;
  for (const k of sampleKeys) stateBytes += Number((await redis.call('MEMORY', 'USAGE', k)) ?? 0);
  const zsetBytes =
    Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:p0}:due`)) ?? 0) +
    Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:p0}:unpushed`)) ?? 0);
  const redisBytesPerUser = Math.round(stateBytes / sampleKeys.length + zsetBytes / USERS);

  router.kill('SIGTERM');
  await new Promise((r) => router.once('exit', r));
  console.log(
    JSON.stringify({
      users: USERS,
      devices: DEVICES,
      seconds: SECONDS,
      published,
      eventsPerSec,
      ingestCeilingPps,
      presenceToAstDbP99Ms: p99(astLatency),
      astDbSamples: astLatency.length,
      callToRedirectP99Ms: p99(callLatency),
      calls: callLatency.length,
      redisBytesPerUser,
    }),
  );
} finally {
  await jsm.streams.delete(names.phoneStream).catch(() => {});
  for (const b of [names.devicesBucket, names.keysBucket, names.usersBucket])
    await jsm.streams.delete(`KV_${b}`).catch(() => {});
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{sa:${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  await nc.close();
}

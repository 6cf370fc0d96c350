// Router benchmark. Loads BENCH_USERS user configs and BENCH_DEVICES devices (bulk: pipelined
// KV puts), measures a bare JetStream publish loop (the ingest ceiling), starts a real router
// process (a stub ami-bridge here answers its AstDB writes) and waits until every user's first
// decision reached the stub. Then, with CallArrived requests at BENCH_CALL_RATE/s throughout:
//  1. stepped offered load: presence published at BENCH_STEPS fractions of the ceiling for
//     BENCH_STEP_SECONDS each; per step the achieved publish rate, the consumed rate, the lag left
//     at the end, presence->DBPut p99 and call p99. A step is kept up when the consumer consumed
//     >= 97% of what was offered and the lag left is under 250 ms worth of events.
//  2. backlog drain: the router is paused (SIGSTOP), BENCH_BACKLOG events are published, the
//     router resumes and the time until everything is acked gives the full-speed rate.
// Last line: one JSON object. eventsPerSec = drain rate; sustainedPps = highest kept-up step;
// presenceToAstDbP99Ms / callToRedirectP99Ms = at that step.
// Env: BENCH_USERS (100000), BENCH_DEVICES (150000), BENCH_STEPS ("0.25,0.5,0.75,1"),
// BENCH_STEP_SECONDS (5), BENCH_BACKLOG (200000), BENCH_CALL_RATE (500), BENCH_WINDOW (512
// publishes in flight), BENCH_ROUTER_NODE_ARGS (e.g. "--cpu-prof"), NATS_URL, REDIS_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensurePhoneStream, openSnapshotBuckets, Redis } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { officeConfig } from '../test/harness.js';

const num = (k: string, d: number) => Number(process.env[k] ?? d);
const USERS = num('BENCH_USERS', 100_000);
const DEVICES = Math.max(USERS, num('BENCH_DEVICES', 150_000));
const STEPS = (process.env.BENCH_STEPS ?? '0.25,0.5,0.75,1').split(',').map(Number);
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 5);
const BACKLOG = num('BENCH_BACKLOG', 200_000);
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! * 100) / 100;
};
const ext = (u: number) => String(100_000 + u);
// devices 0..USERS-1: one per user; the rest: second devices of users 0..DEVICES-USERS-1
const deviceUser = (d: number) => d % USERS;
// users without a second device: their target follows their one device exactly (latency samples)
const singleDevice = (u: number) => u >= DEVICES - USERS;

function presenceBytes(d: number, counter: number): { subject: string; data: Uint8Array; user: string } {
  const user = ext(deviceUser(d));
  const now = Date.now();
  const msg = v1.PresenceReported.create({
    deviceId: `DEV${d}`,
    extension: user,
    counter,
    sentAtMs: now,
    receivedAtMs: now,
    connected: { ssid: 'Corp', bssid: APS[counter % 2]!, rssiDbm: -50 },
    visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
  });
  return {
    subject: names.presence(user),
    data: encodeMessage(v1.PresenceReported, msg, 'PresenceReported'),
    user,
  };
}

/** Runs `send` with at most WINDOW in flight until `total` are sent or `seconds` pass. */
async function windowed(total: number, seconds: number, send: (i: number) => Promise<unknown>) {
  const deadline = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (i < total && Date.now() < deadline) await send(i++);
    }),
  );
  return i;
}

/** Publishes at `rate`/s for `seconds` (never more than WINDOW in flight); returns how many. */
async function paced(rate: number, seconds: number, send: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let sent = 0;
  let inFlight = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(elapsed * rate) - sent;
    for (let k = 0; k < due && inFlight < WINDOW; k++) {
      inFlight++;
      sent++;
      void send().finally(() => inFlight--);
    }
    await sleep(2);
  }
  while (inFlight > 0) await sleep(2);
  return sent;
}

const counters = new Uint32Array(DEVICES);
// stub ami-bridge state: last target per user, and the sample awaiting its DBPut per user
const lastTarget = new Map<string, string>();
const sampleWanted = new Map<string, { value: string; at: number }>();
let astLatency: number[] = [];
let callLatency: number[] = [];

function publishPresence(sample: boolean): Promise<unknown> {
  const d = Math.floor(Math.random() * DEVICES);
  const c = ++counters[d]!;
  const p = presenceBytes(d, c);
  if (sample && singleDevice(deviceUser(d)) && !sampleWanted.has(p.user)) {
    const value = c % 2 === 0 ? p.user : '299';
    if (lastTarget.get(p.user) !== value) sampleWanted.set(p.user, { value, at: performance.now() });
  }
  return js.publish(p.subject, p.data);
}

/** CPU time (ms) the router process used so far (utime + stime from /proc). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function redisCommands(): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
}

async function consumerState(durable: string) {
  const [c, s] = await Promise.all([
    jsm.consumers.info(names.phoneStream, durable),
    jsm.streams.info(names.phoneStream),
  ]);
  return { acked: c.ack_floor.stream_seq, last: s.state.last_seq };
}

try {
  await ensurePhoneStream(nc, names);
  const { users } = await openSnapshotBuckets(nc, names);
  const t0 = performance.now();
  await windowed(USERS, 3600, (u) => users.put(ext(u), officeConfig(ext(u))));
  log(`loaded ${USERS} user configs in ${((performance.now() - t0) / 1000).toFixed(1)} s (${prefix})`);

  // ingest ceiling: a bare JetStream publish loop of the same message size into a scratch stream
  const scratch = `${names.phoneStream}_CEIL`;
  await jsm.streams.add({ name: scratch, subjects: [`${prefix}.ceiling.>`] });
  const sample = presenceBytes(0, 1);
  const c0 = performance.now();
  const ceilSent = await windowed(Number.MAX_SAFE_INTEGER, 3, (i) =>
    js.publish(`${prefix}.ceiling.${i % 1000}`, sample.data),
  );
  const ingestCeilingPps = Math.round(ceilSent / ((performance.now() - c0) / 1000));
  await jsm.streams.delete(scratch);
  log(`ingest ceiling ${ingestCeilingPps}/s (${sample.data.length} bytes)`);

  nc.subscribe(names.amiCommand, {
    queue: 'ami-bridge',
    callback: (_e, m) => {
      const cmd = decodeMessage(v1.AmiCommand, m.data, 'AmiCommand');
      const put = cmd.dbPut;
      if (put?.key.endsWith('/target')) {
        const user = put.key.slice(0, -7);
        lastTarget.set(user, put.value);
        const w = sampleWanted.get(user);
        if (w && w.value === put.value) {
          astLatency.push(performance.now() - w.at);
          sampleWanted.delete(user);
        }
      }
      m.respond(
        encodeMessage(v1.AmiResult, v1.AmiResult.create({ requestId: cmd.requestId, ok: true }), 'AmiResult'),
      );
    },
  });

  const r0 = performance.now();
  const router = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_ROUTER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      join(import.meta.dirname, '..', 'dist', 'main.js'),
    ],
    {
      env: {
        ...process.env,
        NATS_URL,
        REDIS_URL,
        SA_BUS_PREFIX: prefix,
        OPS_PORT: '0',
        LOG_LEVEL: 'warn',
        HYSTERESIS_REPORTS: '1',
        PRESENCE_TIMEOUT_S: '600',
        // the drain phase pauses the process: keep its lease and its unacked messages meanwhile
        ROUTER_LEASE_MS: '300000',
        ROUTER_ACK_WAIT_MS: '300000',
      },
      stdio: [
        'ignore',
        process.env.BENCH_ROUTER_LOG ? openSync(process.env.BENCH_ROUTER_LOG, 'w') : 'ignore',
        'inherit',
      ],
    },
  );
  const durable = 'router_p0_of_1';
  while (lastTarget.size < USERS) {
    if (router.exitCode !== null) throw new Error('router exited');
    await sleep(100);
  }
  const startupSeconds = (performance.now() - r0) / 1000;
  log(`router up; first decision of all ${USERS} users written in ${startupSeconds.toFixed(1)} s`);

  // calls at CALL_RATE/s for the rest of the run
  let calling = true;
  const calls = (async () => {
    const interval = 1000 / CALL_RATE;
    const start = performance.now();
    const pending = new Set<Promise<void>>();
    for (let k = 0; calling; k++) {
      const wait = start + k * interval - performance.now();
      if (wait > 1) await sleep(wait);
      const user = ext(Math.floor(Math.random() * USERS));
      const req = v1.CallArrived.create({ callId: `c${k}`, extension: user, arrivedAtMs: Date.now() });
      const t = performance.now();
      const p = nc
        .request(names.callArrived, encodeMessage(v1.CallArrived, req, 'CallArrived'), { timeout: 2000 })
        .then(
          () => void callLatency.push(performance.now() - t),
          () => void callLatency.push(2000),
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
  })();

  // 1. stepped offered load
  const steps: Record<string, number | boolean | null>[] = [];
  for (const fraction of STEPS) {
    const rate = Math.round(fraction * ingestCeilingPps);
    const before = await consumerState(durable);
    astLatency = [];
    callLatency = [];
    const s0 = performance.now();
    const sent = await paced(rate, STEP_SECONDS, () => publishPresence(true));
    const after = await consumerState(durable);
    const secs = (performance.now() - s0) / 1000;
    const offered = Math.round(sent / secs);
    const consumed = Math.round((after.acked - before.acked) / secs);
    const lag = after.last - after.acked;
    const keptUp = consumed >= 0.97 * offered && lag <= Math.max(500, offered * 0.25);
    const step = {
      offeredPps: offered,
      consumedPps: consumed,
      lagLeft: lag,
      keptUp,
      presenceToAstDbP99Ms: p99(astLatency),
      astDbSamples: astLatency.length,
      callToRedirectP99Ms: p99(callLatency),
      calls: callLatency.length,
    };
    steps.push(step);
    log(`step ${JSON.stringify(step)}`);
    // let any lag drain before the next step so steps do not inherit each other's backlog
    for (let i = 0; i < 1500; i++) {
      const s = await consumerState(durable);
      if (s.acked >= s.last) break;
      await sleep(20);
    }
    if (!keptUp) break;
  }

  // 2. backlog drained at full speed
  sampleWanted.clear();
  router.kill('SIGSTOP');
  const b0 = performance.now();
  await windowed(BACKLOG, 3600, () => publishPresence(false));
  log(`published a backlog of ${BACKLOG} in ${((performance.now() - b0) / 1000).toFixed(1)} s`);
  const before = await consumerState(durable);
  callLatency = [];
  const cpu0 = cpuMs(router.pid!);
  const cmd0 = await redisCommands();
  const d0 = performance.now();
  router.kill('SIGCONT');
  let drained = before;
  while (performance.now() - d0 < 600_000) {
    drained = await consumerState(durable);
    if (drained.acked >= drained.last) break;
    await sleep(10);
  }
  const drainSeconds = (performance.now() - d0) / 1000;
  const eventsPerSec = Math.round((drained.acked - before.acked) / drainSeconds);
  const callP99DuringDrainMs = p99(callLatency);
  const drainedEvents = Math.max(1, drained.acked - before.acked);
  // the router's own CPU per event (robust when other processes share the cores), and Redis
  // commands per event (server-wide counter: other clients add a little)
  const routerCpuUsPerEvent = Math.round(((cpuMs(router.pid!) - cpu0) * 1000) / drainedEvents);
  const redisCmdsPerEvent = Math.round((((await redisCommands()) - cmd0) / drainedEvents) * 100) / 100;
  log(`drained ${drained.acked - before.acked} in ${drainSeconds.toFixed(2)} s`);
  calling = false;
  await calls;

  // Redis bytes per user: sampled users' state and call-log keys plus the per-partition sets
  let userBytes = 0;
  const sampled = 500;
  for (let i = 0; i < sampled; i++) {
    const e = ext(Math.floor((i * USERS) / sampled));
    for (const k of [`{sa:${prefix}:${e}}:st`, `{sa:${prefix}:${e}}:calls`])
      userBytes += Number((await redis.call('MEMORY', 'USAGE', k)) ?? 0);
  }
  const zsetBytes =
    Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:p0}:due`)) ?? 0) +
    Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:p0}:unpushed`)) ?? 0);
  const redisBytesPerUser = Math.round(userBytes / sampled + zsetBytes / USERS);
  const rssMb = Math.round(
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${router.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
  );

  router.kill('SIGTERM');
  await new Promise((r) => router.once('exit', r));
  const best = steps.filter((s) => s.keptUp).at(-1) ?? steps[0]!;
  console.log(
    JSON.stringify({
      users: USERS,
      devices: DEVICES,
      startupSeconds: Math.round(startupSeconds * 10) / 10,
      ingestCeilingPps,
      eventsPerSec,
      backlog: drained.acked - before.acked,
      sustainedPps: steps.filter((s) => s.keptUp).at(-1)?.offeredPps ?? 0,
      presenceToAstDbP99Ms: best.presenceToAstDbP99Ms,
      callToRedirectP99Ms: best.callToRedirectP99Ms,
      callP99DuringDrainMs,
      routerCpuUsPerEvent,
      redisCmdsPerEvent,
      callRate: CALL_RATE,
      redisBytesPerUser,
      routerRssMb: rssMb,
      steps,
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

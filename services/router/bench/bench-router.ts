// Router benchmark. Loads BENCH_USERS user configs and BENCH_DEVICES devices (bulk: pipelined
// KV puts), measures a bare JetStream publish loop (the ingest ceiling), starts a real router
// process (a stub ami-bridge here answers its AstDB writes) and waits until every user's first
// decision reached the stub. Presence is published from a worker thread (load-worker.ts) so the
// main thread's stub and call client measure latency without queuing behind the publisher. A
// report moves its device to the other access point with probability BENCH_MOVE_FRACTION (0.1;
// 1 = every report changes the target: the worst case). Then, with CallArrived requests at
// BENCH_CALL_RATE/s throughout:
//  1. stepped offered load: presence published at BENCH_STEPS fractions of the ceiling for
//     BENCH_STEP_SECONDS each; per step the achieved publish rate, the consumed rate, the lag left
//     at the end, presence->DBPut p99 and call p99. A step is kept up when the consumer consumed
//     >= 97% of what was offered and the lag left is under 250 ms worth of events.
//  2. backlog drain: the router is paused (SIGSTOP), BENCH_BACKLOG events are published, the
//     router resumes and the time until everything is acked gives the full-speed rate; done
//     BENCH_DRAINS times, eventsPerSec is the median (drainsPerSec lists each).
// Baseline, same run: a peer process (baseline-peer.ts) answers echo requests sent beside every
// call, and relays probes published (BENCH_PROBE_RATE/s) to a JetStream stream like the phone
// stream to a stub like the AMI one: the same hops with no router logic and no Redis, under the
// same load. callBaselineP99Ms / presenceBaselineP99Ms are this machine's floor for the two paths.
// consumeCeilingPps: the ceiling's messages drained by a consumer that only acknowledges (what
// this server can deliver to one consumer). Last line: one JSON object. eventsPerSec = drain rate;
// sustainedPps = highest kept-up step;
// presenceToAstDbP99Ms / callToRedirectP99Ms (and their baselines) = at that step.
// routerCpuUsPerEvent / serverCpuUsPerEvent: CPU time per drained event of the routers, and of
// nats-server, redis-server (when they run on this machine) and this process meanwhile;
// cpuBoundEventsPerSec: the drain rate all cores would allow at that total CPU per event.
// Env: BENCH_USERS (100000), BENCH_DEVICES (150000), BENCH_STEPS ("0.05,0.1,0.15,0.25,0.5,0.75,1"),
// BENCH_STEP_SECONDS (5), BENCH_BACKLOG (200000), BENCH_DRAINS (3), BENCH_CALL_RATE (500), BENCH_WINDOW (512
// publishes in flight), BENCH_MOVE_FRACTION (0.1), BENCH_ROUTER_NODE_ARGS (e.g. "--cpu-prof"),
// BENCH_ROUTER_LOG (file for the router's log lines), BENCH_ROUTERS (1: router processes, one
// partition each), BENCH_PROBE_RATE (100), NATS_URL, REDIS_URL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { deleteBusStreams, ensurePhoneStream, openSnapshotBuckets, Redis } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys } from '@sa/testkit';
import { loadRouterConfig } from '../src/config.js';
import { officeConfig } from '../test/harness.js';
import { baselineSubjects } from './baseline-peer.js';
import { ext, type LoadCommand, type LoadDone, type LoadInit } from './load-shared.js';

const num = (k: string, d: number) => Number(process.env[k] ?? d);
const USERS = num('BENCH_USERS', 100_000);
const DEVICES = Math.max(USERS, num('BENCH_DEVICES', 150_000));
const STEPS = (process.env.BENCH_STEPS ?? '0.05,0.1,0.15,0.25,0.5,0.75,1').split(',').map(Number);
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 5);
const BACKLOG = num('BENCH_BACKLOG', 200_000);
const DRAINS = Math.max(1, num('BENCH_DRAINS', 3));
const CALL_RATE = num('BENCH_CALL_RATE', 500);
const WINDOW = num('BENCH_WINDOW', 512);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MOVE = num('BENCH_MOVE_FRACTION', 0.1);
/** router processes, one partition each (ROUTER_PARTITIONS = BENCH_ROUTERS) */
const ROUTERS = num('BENCH_ROUTERS', 1);
const PROBE_RATE = num('BENCH_PROBE_RATE', 100);

const prefix = `t_b${randomBytes(3).toString('hex')}`;
const names = busNames(prefix);
const nc = await connect({ servers: NATS_URL });
const jsm = await jetstreamManager(nc);
const redis = new Redis(REDIS_URL);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! * 100) / 100;
};

/** Runs `send` with at most WINDOW in flight until `total` are sent. */
async function windowed(total: number, send: (i: number) => Promise<unknown>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (i < total) await send(i++);
    }),
  );
}

// the worker loads its TypeScript through tsx's API (execArgv --import does not reach workers here)
const workerUrl = new URL('./load-worker.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');
const worker = new Worker(
  `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}))`,
  {
    eval: true,
    workerData: {
      natsUrl: NATS_URL,
      prefix,
      users: USERS,
      devices: DEVICES,
      window: WINDOW,
      moveFraction: MOVE,
    } satisfies LoadInit,
  },
);
const workerReady = new Promise((r) => worker.once('message', r));
const load = (cmd: LoadCommand) =>
  new Promise<LoadDone>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(cmd);
  });

// stub ami-bridge: users whose first decision arrived, and DBPut arrivals of sampled users
const decided = new Set<string>();
let arrivals = new Map<string, [string, number][]>();
let callLatency: number[] = [];
/** the baseline peer's echo (beside each call) and probe relay (presence path) latencies */
let echoLatency: number[] = [];
let probeLatency: number[] = [];
/** when (ms after the drain started) each timed-out call was issued */
const callTimeouts: number[] = [];
/** calls issued before this instant are not counted (the router was paused when they left) */
let callsFrom = 0;
/** calls issued after this instant are not counted (the router is paused from then on) */
let callsUntil = Number.POSITIVE_INFINITY;
const absNow = () => performance.timeOrigin + performance.now();

/** presence -> DBPut latencies: each sampled move matched with its user's next DBPut of that value */
function matchSamples(samples: [string, string, number][]): { latencies: number[]; unmatched: number } {
  const byUser = new Map<string, [string, number][]>();
  for (const [user, value, at] of samples) {
    const list = byUser.get(user) ?? [];
    list.push([value, at]);
    byUser.set(user, list);
  }
  const latencies: number[] = [];
  let unmatched = 0;
  for (const [user, list] of byUser) {
    const got = arrivals.get(user) ?? [];
    for (const [i, [value, at]] of list.entries()) {
      const next = list[i + 1]?.[1] ?? Number.POSITIVE_INFINITY;
      const hit = got.find(([v, t]) => v === value && t >= at);
      if (hit && hit[1] < next) latencies.push(hit[1] - at);
      else if (!hit) unmatched++; // superseded by the user's next move before it was written: not a sample
    }
  }
  return { latencies, unmatched };
}

/** CPU time (ms) the router process used so far (utime + stime from /proc). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** pids of this machine's processes named `comm` (none when the server runs elsewhere) */
function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm) pids.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}
const natsPids = pidsNamed('nats-server');
const redisPids = pidsNamed('redis-server');
/** CPU time (ms) used so far by the servers, the routers and this process (with its load worker) */
const cpuNow = () => ({
  nats: natsPids.reduce((n, p) => n + cpuMs(p), 0),
  redis: redisPids.reduce((n, p) => n + cpuMs(p), 0),
  routers: routersCpuMs(),
  bench: ((u) => (u.user + u.system) / 1000)(process.cpuUsage()),
});
const cpuSince = (c0: ReturnType<typeof cpuNow>) => {
  const c = cpuNow();
  return {
    nats: c.nats - c0.nats,
    redis: c.redis - c0.redis,
    routers: c.routers - c0.routers,
    bench: c.bench - c0.bench,
  };
};

async function redisCommands(): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
}

const durables = Array.from({ length: ROUTERS }, (_, p) => `router_p${p}_of_${ROUTERS}`);

/** the lowest ack floor of the routers' durables and the stream's last sequence; retried while
 * the server is too busy to answer an info request in time */
async function consumerState() {
  for (let attempt = 1; ; attempt++) {
    try {
      const [s, ...cs] = await Promise.all([
        jsm.streams.info(names.phoneStream),
        ...durables.map((d) => jsm.consumers.info(names.phoneStream, d)),
      ]);
      return { acked: Math.min(...cs.map((c) => c.ack_floor.stream_seq)), last: s.state.last_seq };
    } catch (err) {
      if (attempt >= 5) throw err;
      log(`consumer info failed (${String(err)}), retrying`);
    }
  }
}

/**
 * How fast a consumer that does nothing but acknowledge drains `count` stored messages, with the
 * router's consumer settings (pull size, max ack pending, cumulative acks): the most any consumer
 * can take from this server, so eventsPerSec can be read against it as well as the ingest ceiling.
 */
/** the consumer settings the spawned router gets (it inherits this process's environment) */
const routerConfig = loadRouterConfig(process.env);

async function bareDrainRate(stream: string, count: number): Promise<number> {
  await jsm.consumers.add(stream, {
    durable_name: 'bare',
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: routerConfig.ROUTER_MAX_ACK_PENDING,
  });
  const consumer = await jetstream(nc).consumers.get(stream, 'bare');
  let n = 0;
  const t0 = performance.now();
  let messages: Awaited<ReturnType<typeof consumer.consume>> | undefined;
  await new Promise<void>((resolve) => {
    void consumer
      .consume({
        max_messages: Math.min(
          routerConfig.ROUTER_MAX_ACK_PENDING,
          Math.max(routerConfig.ROUTER_PULL_MAX, routerConfig.ROUTER_BATCH_MAX),
        ),
        callback: (m) => {
          // cumulative, every quarter of max ack pending, as the router acks
          if (++n % Math.max(1, Math.floor(routerConfig.ROUTER_MAX_ACK_PENDING / 4)) === 0 || n === count)
            m.ack();
          if (n === count) resolve();
        },
      })
      .then((ms) => {
        messages = ms;
      });
  });
  const rate = Math.round(count / ((performance.now() - t0) / 1000));
  await messages?.close();
  return rate;
}

let routers: ReturnType<typeof spawn>[] = [];
let peer: ReturnType<typeof spawn> | undefined;
const baseline = baselineSubjects(prefix);
const signalRouters = (signal: NodeJS.Signals) => {
  for (const r of routers) r.kill(signal);
};
const routersCpuMs = () => routers.reduce((n, r) => n + cpuMs(r.pid!), 0);
try {
  await ensurePhoneStream(nc, names);
  const { users } = await openSnapshotBuckets(nc, names);
  const t0 = performance.now();
  await windowed(USERS, (u) => users.put(ext(u), officeConfig(ext(u))));
  log(`loaded ${USERS} user configs in ${((performance.now() - t0) / 1000).toFixed(1)} s (${prefix})`);
  await workerReady;

  // ingest ceiling: a bare JetStream publish loop of the same message size into a scratch stream
  const scratch = `${names.phoneStream}_CEIL`;
  await jsm.streams.add({ name: scratch, subjects: [`${prefix}.ceiling.>`] });
  const ceil = await load({ kind: 'ceiling', seconds: 3 });
  const ingestCeilingPps = Math.round(ceil.sent / ceil.seconds);
  const stored = (await jsm.streams.info(scratch)).state.messages;
  const consumeCeilingPps = await bareDrainRate(scratch, stored);
  await jsm.streams.delete(scratch);
  log(`ingest ceiling ${ingestCeilingPps}/s; a bare consumer drains ${consumeCeilingPps}/s`);

  nc.subscribe(names.amiCommand, {
    queue: 'ami-bridge',
    callback: (_e, m) => {
      const cmd = decodeMessage(v1.AmiCommand, m.data, 'AmiCommand');
      const key = cmd.dbPut?.key ?? '';
      if (key.endsWith('/target')) {
        const user = key.slice(0, -7);
        const value = cmd.dbPut?.value ?? '';
        decided.add(user);
        const list = arrivals.get(user);
        if (list) list.push([value, absNow()]);
        else arrivals.set(user, [[value, absNow()]]);
      }
      m.respond(
        encodeMessage(v1.AmiResult, v1.AmiResult.create({ requestId: cmd.requestId, ok: true }), 'AmiResult'),
      );
    },
  });

  // the baseline peer and its probe stream (file storage, like the phone stream)
  await jsm.streams.add({ name: baseline.stream, subjects: [baseline.probes] });
  nc.subscribe(baseline.astdb, {
    callback: (_e, m) => {
      const t = new DataView(m.data.buffer, m.data.byteOffset, 8).getFloat64(0);
      if (t >= callsFrom + performance.timeOrigin && t < callsUntil + performance.timeOrigin)
        probeLatency.push(absNow() - t);
      m.respond(new Uint8Array(0));
    },
  });
  peer = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'baseline-peer.ts')], {
    env: { ...process.env, NATS_URL, BENCH_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    peer!.stdout!.once('data', () => resolve());
    peer!.once('exit', () => reject(new Error('baseline peer exited')));
  });

  const r0 = performance.now();
  const spawnRouter = (i: number) =>
    spawn(
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
          ROUTER_PARTITIONS: String(ROUTERS),
          ROUTER_INSTANCE_ID: `bench-${i}`,
          HYSTERESIS_REPORTS: '1',
          PRESENCE_TIMEOUT_S: '600',
          // the drain phase pauses the process: keep its lease and its unacked messages meanwhile
          ROUTER_LEASE_MS: '300000',
          ROUTER_ACK_WAIT_MS: '300000',
        },
        stdio: [
          'ignore',
          process.env.BENCH_ROUTER_LOG
            ? openSync(`${process.env.BENCH_ROUTER_LOG}${i || ''}`, 'w')
            : 'ignore',
          'inherit',
        ],
      },
    );
  routers = Array.from({ length: ROUTERS }, (_, i) => spawnRouter(i));
  while (decided.size < USERS) {
    if (routers.some((r) => r.exitCode !== null)) throw new Error('router exited');
    await sleep(100);
  }
  // and until start-up work settled: every first decision confirmed written (unpushed set empty)
  const unpushed = async () => {
    let n = 0;
    for (let p = 0; p < ROUTERS; p++) n += Number(await redis.zcard(`{sa:${prefix}:p${p}}:unpushed`));
    return n;
  };
  while ((await unpushed()) > 0) await sleep(100);
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
      const echo = nc
        .request(baseline.echo, new Uint8Array(48), { timeout: 2000 })
        .then(() => void (t >= callsFrom && t < callsUntil && echoLatency.push(performance.now() - t)))
        .catch(() => void (t >= callsFrom && t < callsUntil && echoLatency.push(2000)))
        .finally(() => pending.delete(echo));
      pending.add(echo);
      const p = nc
        .request(names.callArrived, encodeMessage(v1.CallArrived, req, 'CallArrived'), { timeout: 2000 })
        .then(
          () => void (t >= callsFrom && t < callsUntil && callLatency.push(performance.now() - t)),
          () => {
            if (t < callsFrom || t >= callsUntil) return;
            callLatency.push(2000);
            callTimeouts.push(Math.round(t - callsFrom));
          },
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
  })();
  // probes for the baseline's presence path, for as long as calls run
  const probes = (async () => {
    const js = jetstream(nc);
    const interval = 1000 / PROBE_RATE;
    const start = performance.now();
    for (let k = 0; calling; k++) {
      const wait = start + k * interval - performance.now();
      if (wait > 1) await sleep(wait);
      const body = new Uint8Array(110);
      new DataView(body.buffer).setFloat64(0, absNow());
      await js.publish(baseline.probe(k % 1000), body).catch(() => {});
    }
  })();

  // 1. stepped offered load
  const steps: Record<string, number | boolean | null>[] = [];
  for (const fraction of STEPS) {
    const rate = Math.round(fraction * ingestCeilingPps);
    const before = await consumerState();
    arrivals = new Map();
    callLatency = [];
    echoLatency = [];
    probeLatency = [];
    const s0 = performance.now();
    const done = await load({ kind: 'paced', rate, seconds: STEP_SECONDS });
    const after = await consumerState();
    const secs = (performance.now() - s0) / 1000;
    const offered = Math.round(done.sent / secs);
    const stepCalls = callLatency;
    const consumed = Math.round((after.acked - before.acked) / secs);
    const lag = after.last - after.acked;
    const keptUp = consumed >= 0.97 * offered && lag <= Math.max(500, offered * 0.25);
    const step = {
      offeredPps: offered,
      consumedPps: consumed,
      lagLeft: lag,
      keptUp,
      presenceToAstDbP99Ms: null as number | null,
      astDbSamples: 0,
      presenceBaselineP99Ms: null as number | null,
      callToRedirectP99Ms: p99(stepCalls),
      callBaselineP99Ms: p99(echoLatency),
      calls: stepCalls.length,
    };
    // let any lag drain before the next step so steps do not inherit each other's backlog, and
    // the last AstDB writes of this step arrive
    for (let i = 0; i < 1500; i++) {
      const s = await consumerState();
      if (s.acked >= s.last) break;
      await sleep(20);
    }
    await sleep(200);
    const { latencies } = matchSamples(done.samples);
    step.presenceToAstDbP99Ms = p99(latencies);
    step.presenceBaselineP99Ms = p99(probeLatency);
    step.astDbSamples = latencies.length;
    steps.push(step);
    log(`step ${JSON.stringify(step)}`);
    if (!keptUp) break;
  }

  // 2. backlog drained at full speed, DRAINS times (the median is reported: one drain's rate
  // varied by a factor of two between runs on a noisy machine)
  const drains: {
    eventsPerSec: number;
    events: number;
    cpu: ReturnType<typeof cpuNow>;
    cmds: number;
  }[] = [];
  const drainCalls: number[] = [];
  const drainEchoes: number[] = [];
  let backlogEvents = 0;
  for (let d = 0; d < DRAINS; d++) {
    arrivals = new Map();
    callsUntil = performance.now();
    await sleep(300); // calls already issued are answered before the pause (they are counted)
    signalRouters('SIGSTOP');
    const b0 = performance.now();
    await load({ kind: 'burst', count: BACKLOG });
    log(`published a backlog of ${BACKLOG} in ${((performance.now() - b0) / 1000).toFixed(1)} s`);
    const before = await consumerState();
    callLatency = [];
    echoLatency = [];
    const cpu0 = cpuNow();
    const cmd0 = await redisCommands();
    const d0 = performance.now();
    callsFrom = d0;
    callsUntil = Number.POSITIVE_INFINITY;
    signalRouters('SIGCONT');
    let drained = before;
    while (performance.now() - d0 < 600_000) {
      drained = await consumerState();
      if (drained.acked >= drained.last) break;
      await sleep(10);
    }
    const seconds = (performance.now() - d0) / 1000;
    const events = drained.acked - before.acked;
    drains.push({
      eventsPerSec: Math.round(events / seconds),
      events,
      cpu: cpuSince(cpu0),
      cmds: (await redisCommands()) - cmd0,
    });
    drainCalls.push(...callLatency);
    drainEchoes.push(...echoLatency);
    backlogEvents = events;
    log(`drained ${events} in ${seconds.toFixed(2)} s`);
  }
  const rates = drains.map((d) => d.eventsPerSec).sort((a, b) => a - b);
  const eventsPerSec = rates[Math.floor(rates.length / 2)]!;
  const callP99DuringDrainMs = p99(drainCalls);
  const callBaselineP99DuringDrainMs = p99(drainEchoes);
  const drainedEvents = Math.max(
    1,
    drains.reduce((n, d) => n + d.events, 0),
  );
  // the router's own CPU per event (robust when other processes share the cores), and Redis
  // commands per event (server-wide counter: other clients add a little)
  const usPerEvent = (k: keyof ReturnType<typeof cpuNow>) =>
    Math.round((drains.reduce((n, d) => n + d.cpu[k], 0) * 1000) / drainedEvents);
  const routerCpuUsPerEvent = usPerEvent('routers');
  // where the rest of the machine's CPU went meanwhile (null: that server is not on this machine)
  const serverCpuUsPerEvent = {
    nats: natsPids.length > 0 ? usPerEvent('nats') : null,
    redis: redisPids.length > 0 ? usPerEvent('redis') : null,
    bench: usPerEvent('bench'),
  };
  // the drain rate this machine's cores could reach if every cycle went to these processes at
  // the CPU per event they used: how far eventsPerSec is from what the hardware allows
  const cpuBoundEventsPerSec =
    serverCpuUsPerEvent.nats === null || serverCpuUsPerEvent.redis === null
      ? null
      : Math.round(
          (availableParallelism() * 1_000_000) /
            (routerCpuUsPerEvent +
              serverCpuUsPerEvent.nats +
              serverCpuUsPerEvent.redis +
              serverCpuUsPerEvent.bench),
        );
  const redisCmdsPerEvent = Math.round((drains.reduce((n, d) => n + d.cmds, 0) / drainedEvents) * 100) / 100;
  if (callTimeouts.length > 0)
    log(
      `${callTimeouts.length} calls timed out, issued ${Math.min(...callTimeouts)}..${Math.max(...callTimeouts)} ms after a resume`,
    );
  calling = false;
  await Promise.all([calls, probes]);

  // Redis bytes per user: sampled users' state keys plus the per-partition sets, and their
  // call logs (capped at CALL_LOG_LENGTH entries per user, so reported per recorded call too)
  let stateBytes = 0;
  let callLogBytes = 0;
  let callEntries = 0;
  const sampled = 500;
  for (let i = 0; i < sampled; i++) {
    const e = ext(Math.floor((i * USERS) / sampled));
    stateBytes += Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:${e}}:st`)) ?? 0);
    callLogBytes += Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:${e}}:calls`)) ?? 0);
    callEntries += await redis.llen(`{sa:${prefix}:${e}}:calls`);
  }
  let zsetBytes = 0;
  for (let p = 0; p < ROUTERS; p++)
    for (const set of ['due', 'unpushed'])
      zsetBytes += Number((await redis.call('MEMORY', 'USAGE', `{sa:${prefix}:p${p}}:${set}`)) ?? 0);
  const stateBytesPerUser = Math.round(stateBytes / sampled + zsetBytes / USERS);
  const redisBytesPerUser = Math.round(stateBytesPerUser + callLogBytes / sampled);
  const callLogBytesPerCall = callEntries > 0 ? Math.round(callLogBytes / callEntries) : null;
  const rssMb = routers.reduce(
    (n, r) =>
      n +
      Math.round(
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
      ),
    0,
  );

  const exited = routers.map((r) => new Promise((done) => r.once('exit', done)));
  signalRouters('SIGTERM');
  await Promise.all(exited);
  await worker.terminate();
  const best = steps.filter((s) => s.keptUp).at(-1) ?? steps[0]!;
  console.log(
    JSON.stringify({
      users: USERS,
      routers: ROUTERS,
      devices: DEVICES,
      startupSeconds: Math.round(startupSeconds * 10) / 10,
      ingestCeilingPps,
      consumeCeilingPps,
      eventsPerSec,
      backlog: backlogEvents,
      drainsPerSec: drains.map((d) => d.eventsPerSec),
      sustainedPps: steps.filter((s) => s.keptUp).at(-1)?.offeredPps ?? 0,
      presenceToAstDbP99Ms: best.presenceToAstDbP99Ms,
      presenceBaselineP99Ms: best.presenceBaselineP99Ms,
      callToRedirectP99Ms: best.callToRedirectP99Ms,
      callBaselineP99Ms: best.callBaselineP99Ms,
      callP99DuringDrainMs,
      callBaselineP99DuringDrainMs,
      routerCpuUsPerEvent,
      serverCpuUsPerEvent,
      cpuBoundEventsPerSec,
      redisCmdsPerEvent,
      callRate: CALL_RATE,
      moveFraction: MOVE,
      redisBytesPerUser,
      stateBytesPerUser,
      callLogBytesPerCall,
      routerRssMb: rssMb,
      steps,
    }),
  );
} finally {
  // an aborted run must not leave the router running
  for (const r of routers) if (r.exitCode === null) r.kill('SIGKILL');
  peer?.kill('SIGKILL');
  await jsm.streams.delete(baseline.stream).catch(() => {});
  await deleteBusStreams(nc, names);
  await deleteRedisKeys(redis, `{sa:${prefix}*`);
  await redis.quit();
  await nc.close();
}

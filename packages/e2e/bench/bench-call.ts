// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// npm run bench:call — what the AstDB-first call path adds before a call rings its target. Starts
// the whole system (startStack: admin, ingest, router, ami-bridge as real processes against the AMI
// test server), provisions --users users through the admin API (CSV imports of users, destinations
// and devices, one enrolled phone each; scenarios: four meeting rooms, the desk at the office, the
// mobile as default), and keeps a fleet reporting presence to ingest over UDP (presence-load.ts, a
// worker thread) at --presence-rate reports/s, --move of them moving their phone to another place,
// so router keeps rewriting AstDB while calls arrive.
// Calls: --rate per second for --duration s through the AMI test server's PBX model running the
// real deploy/asterisk/extensions_smartassistant.conf next to a small site dialplan (SITE below)
// whose phones answer after one dialplan second (--second-ms real ms). Each call enters
// [smartassistant] for a user AstDB holds a target for; measured per call in real time (the
// model's wallMs): from entering [smartassistant] to the Dial that rings the target. Baseline, same
// run: beside every call, the same target through [bare], which dials it with no Smart Assistant
// logic (Dial(Local/<target>@from-internal), as smartassistant-dial dials a target);
// overheadP99Ms = p99(ours) - p99(bare). Each call starts in its own event-loop turn, so one call's
// dialplan steps never interleave with another's. Then router and ami-bridge are stopped and the
// same is measured again (overheadP99MsServicesDown). Correctness: each call must ring the endpoint
// of the target AstDB held when it entered (wrongTargets counts those that did not).
// Diagnostics: the model runs a call's dialplan up to its Dial without yielding to the event loop
// (asyncPaths counts calls that did not: none expected), so a slow call is one whose thread lost
// the CPU meanwhile (…Preempted: this thread's runqueue wait grew, /proc/thread-self/schedstat) or
// ran into a GC pause (…InGc); calmOverheadP99Ms is the overhead over calls with neither.
// Last stdout line: one JSON object. Flags: --rate (500), --duration (20 s per phase), --warmup
// (3 s, not reported), --presence-rate (2000), --users (1000), --move (0.03), --second-ms (1),
// --pbx-nice (unset: the model's thread keeps its nice value; e.g. -10 to favour it; needs root),
// --pbx-realtime (the model's thread at SCHED_RR priority 10, what Asterisk's `-p` / `highpriority`
// gives its own threads on Linux: no ordinary process preempts it; needs root and chrt).
// Env BENCH_CALL_DEBUG=1 prints the services' log events.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, getPriority, loadavg, setPriority } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { parseEnrolment } from '@sa/phone-protocol';
import { repoRoot } from '@sa/testkit';
import { PbxModel, parseDialplan } from '@sa/testkit/pbx';
import { ADMIN_PASSWORD, type Stack, startStack, type WifiNetwork } from '../src/index.js';
import type { FleetCommand, FleetDevice, FleetInit, FleetStats } from './presence-load.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'presence-rate': { type: 'string', default: '2000' },
    users: { type: 'string', default: '1000' },
    move: { type: 'string', default: '0.03' },
    'second-ms': { type: 'string', default: '1' },
    'pbx-nice': { type: 'string' },
    'pbx-realtime': { type: 'boolean', default: false },
  },
});
const RATE = Number(flags.rate);
const DURATION_S = Number(flags.duration);
const WARMUP_S = Number(flags.warmup);
const PRESENCE_RATE = Number(flags['presence-rate']);
const USERS = Number(flags.users);
const MOVE = Number(flags.move);
const SECOND_MS = Number(flags['second-ms']);
/** nice value for the thread running the PBX model (Asterisk's `-p`: the PBX before other work) */
const PBX_NICE = flags['pbx-nice'] === undefined ? undefined : Number(flags['pbx-nice']);
const PBX_REALTIME = flags['pbx-realtime'];

const log = (msg: string) => console.log(`[bench-call] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 1000) / 1000;

const OUR_DIALPLAN = readFileSync(`${repoRoot}/deploy/asterisk/extensions_smartassistant.conf`, 'utf8');
const ext = (i: number) => String(20_000 + i);
const mobile = (e: string) => `0170${e}`;
const ROOMS = ['8001', '8002', '8003', '8004'];
/** a plain Asterisk site: users' phones in [phones] (SA_LOCAL_CONTEXT), everything else in [from-internal] */
const SITE = `
[phones]
exten => _2XXXX,1,Dial(PJSIP/\${EXTEN},20)
[from-internal]
exten => _2XXXX,1,Goto(phones,\${EXTEN},1)
exten => _800X,1,Dial(PJSIP/room\${EXTEN},20)
exten => _0170X.,1,Dial(PSTN/\${EXTEN},20)
; the baseline: the target dialled with no Smart Assistant logic
[bare]
exten => _[0-9a-zA-Z*#+].,1,Dial(Local/\${EXTEN}@from-internal,25)
`;
/** the endpoint the site rings for a target dial string */
function endpointOf(target: string): string {
  if (/^800\d$/.test(target)) return `PJSIP/room${target}`;
  if (target.startsWith('0170')) return `PSTN/${target}`;
  return `PJSIP/${target}`;
}

const OFFICE: WifiNetwork = { ssid: 'Office', bssid: 'aa:bb:cc:00:00:01', rssiDbm: -48 };
const ROOM_NETS: WifiNetwork[] = ROOMS.map((_, k) => ({
  ssid: `Room ${k + 1}`,
  bssid: `aa:bb:cc:00:01:0${k + 1}`,
  rssiDbm: -55,
}));
const CAFE: WifiNetwork = { ssid: 'Cafe', bssid: 'aa:bb:cc:00:99:99', rssiDbm: -60 };
/** where phones can be: index 0 office (desk), 1..4 rooms, 5 a network no location lists (mobile) */
const PLACES = [OFFICE, ...ROOM_NETS, CAFE];

async function provision(stack: Stack): Promise<FleetDevice[]> {
  const base = stack.services.admin.addresses.http!;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const importCsv = async <T>(kind: string, lines: string[]): Promise<T> => {
    const res = await fetch(`${base}/api/v1/import/${kind}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: `${lines.join('\n')}\n`,
    });
    const body = (await res.json()) as T;
    if (res.status !== 200) throw new Error(`import ${kind} -> ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const users = Array.from({ length: USERS }, (_, i) => ext(i));
  const t0 = performance.now();
  await importCsv('users', ['extension,displayName', ...users.map((e) => `${e},User ${e}`)]);
  await importCsv('destinations', [
    'name,dial',
    ...ROOMS.map((dial, k) => `SMART-Room${k + 1},${dial}`),
    ...users.flatMap((e) => [`${e}-Desk,${e}`, `${e}-Mobile,${mobile(e)}`]),
  ]);
  const devices = await importCsv<{ enrolments: { payload: string }[] }>('devices', [
    'deviceId,extension',
    ...users.map((e) => `BENCHCALL${e},${e}`),
  ]);
  log(`imported users, destinations, phones in ${Math.round(performance.now() - t0)} ms`);
  const ids = new Map<string, string>();
  for (let offset = 0; ; offset += 500) {
    const page = await stack.admin.request<{ items: { id: string; name: string }[]; total: number }>(
      'GET',
      `/destinations?limit=500&offset=${offset}`,
    );
    for (const d of page.items) ids.set(d.name, d.id);
    if (offset + 500 >= page.total) break;
  }
  const location = (name: string, net: WifiNetwork) =>
    stack.admin.request<{ id: string }>('POST', '/locations', {
      name,
      ssids: [net.ssid],
      bssids: [net.bssid],
    });
  const office = await location('Office', OFFICE);
  const rooms = await Promise.all(ROOM_NETS.map((net) => location(net.ssid, net)));
  let next = 0;
  const putScenarios = async () => {
    while (next < users.length) {
      const e = users[next++]!;
      await stack.admin.request('PUT', `/users/${e}/scenarios`, {
        scenarios: [
          ...rooms.map((room, k) => ({
            name: `Meeting ${k + 1}`,
            destinationId: ids.get(`SMART-Room${k + 1}`),
            rules: [{ kind: 'location', locationId: room.id }],
          })),
          {
            name: 'At my desk',
            destinationId: ids.get(`${e}-Desk`),
            rules: [{ kind: 'location', locationId: office.id }],
          },
          { name: 'Away', destinationId: ids.get(`${e}-Mobile`), rules: [], isDefault: true },
        ],
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, putScenarios));
  return devices.enrolments.map((en, i) => {
    const e = parseEnrolment(en.payload);
    // most phones at the office, some in a meeting room, some away
    const place = i % 10 < 8 ? 0 : i % 10 === 8 ? 1 + (i % ROOMS.length) : PLACES.length - 1;
    return { deviceId: e.deviceId, keyId: e.keyId, secret: e.secret, place };
  });
}

function startFleet(stack: Stack, devices: FleetDevice[]) {
  // the worker loads its TypeScript through tsx's API (execArgv --import does not reach workers)
  const workerUrl = new URL('./presence-load.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const worker = new Worker(
    `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}))`,
    {
      eval: true,
      workerData: {
        host: stack.ingestUdp.host,
        port: stack.ingestUdp.port,
        devices,
        places: PLACES,
        moveFraction: MOVE,
      } satisfies FleetInit,
    },
  );
  const ready = new Promise((r) => worker.once('message', r));
  const send = (cmd: FleetCommand) => worker.postMessage(cmd);
  return {
    ready,
    rate: (perSec: number) => send({ kind: 'rate', perSec }),
    stats: () =>
      new Promise<FleetStats>((resolve) => {
        worker.once('message', resolve);
        send({ kind: 'stats' });
      }),
    stop: async () => {
      send({ kind: 'stop' });
      await Promise.race([new Promise((r) => worker.once('exit', r)), sleep(2000)]);
      await worker.terminate();
    },
  };
}

/** the q-quantile of the first `n` samples */
function quantile(samples: Float64Array, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const sorted = samples.slice(0, n).sort();
  return sorted[Math.min(n - 1, Math.floor(q * n))]!;
}

/** user + system CPU of a process in ms (clock ticks of 10 ms) */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** this thread's time on a CPU and time waiting, runnable, for one (ns): preempted when the latter grows */
function schedstat(): { runNs: number; waitNs: number } {
  const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
  return { runNs: Number(run), waitNs: Number(wait) };
}
const runqueueWaitNs = () => schedstat().waitNs;

/** this process's GC pauses (performance.now() ms), to see which calls one fell into */
const gcPauses: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });

interface Samples {
  n: number;
  /** entered the context -> rang the target, real ms */
  ms: Float64Array;
  from: Float64Array;
  to: Float64Array;
  /** this thread's runqueue wait while the call ran to its Dial (0: never preempted) */
  waitNs: Float64Array;
  steps: number;
}
interface Phase {
  calls: number;
  seconds: number;
  ours: Samples;
  bare: Samples;
  wrong: string[];
  noTarget: number;
  /** calls whose Dial came after the event-loop turn that started them (none expected) */
  asyncPaths: number;
}

function samples(capacity: number): Samples {
  const a = () => new Float64Array(capacity);
  return { n: 0, ms: a(), from: a(), to: a(), waitNs: a(), steps: 0 };
}

/**
 * Places calls at RATE/s for `seconds`: each to [smartassistant] for a random user with a target,
 * and beside it the same target through [bare]. Each call starts in its own setImmediate callback,
 * and a second one right after it (microtasks run in between: the call's dialplan up to its Dial)
 * reads how long this thread waited for a CPU meanwhile.
 */
async function callPhase(stack: Stack, pbx: PbxModel, seconds: number): Promise<Phase> {
  const capacity = Math.ceil(RATE * seconds * 1.1) + 10;
  const phase: Phase = {
    calls: 0,
    seconds: 0,
    ours: samples(capacity),
    bare: samples(capacity),
    wrong: [],
    noTarget: 0,
    asyncPaths: 0,
  };
  const pending = new Set<Promise<void>>();
  const place = (kind: 'ours' | 'bare', user: string) => {
    const rec = { wait0: 0, wait1: 0, turnEnd: 0 };
    setImmediate(() => {
      const target = stack.ami.dbGet('SMARTASSISTANT', `${user}/target`);
      if (!target) {
        phase.noTarget++;
        return;
      }
      const [context, exten] = kind === 'ours' ? ['smartassistant', user] : ['bare', target];
      rec.wait0 = runqueueWaitNs();
      const p = pbx.call(context, exten).then((out) => {
        const rang = out.rang[0]?.endpoint;
        if (rang !== endpointOf(target)) {
          phase.wrong.push(`${kind} ${exten}: AstDB ${target}, rang ${rang ?? 'nothing'}`);
          return;
        }
        const s = phase[kind];
        const i = s.n++;
        s.from[i] = out.wallMs.entered[context]!;
        s.to[i] = out.wallMs.rang[0]!;
        s.ms[i] = s.to[i]! - s.from[i]!;
        s.waitNs[i] = rec.wait1 - rec.wait0;
        if (!(s.to[i]! <= rec.turnEnd)) phase.asyncPaths++;
        s.steps += out.trace.filter((t) => t.trimStart().startsWith('[')).length;
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    });
    setImmediate(() => {
      rec.turnEnd = performance.now();
      rec.wait1 = runqueueWaitNs();
    });
  };
  const start = performance.now();
  let placed = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= seconds * 1000) break;
    const due = Math.floor((elapsed / 1000) * RATE);
    while (placed < due) {
      const user = ext(Math.floor(Math.random() * USERS));
      // alternate which of the two goes first
      placed++;
      place(placed % 2 ? 'ours' : 'bare', user);
      place(placed % 2 ? 'bare' : 'ours', user);
      phase.calls++;
    }
    await sleep(1);
  }
  phase.seconds = (performance.now() - start) / 1000;
  await sleep(10);
  await Promise.all([...pending]);
  return phase;
}

/** Quantiles of all calls, and of the calls no GC pause fell into and that were never preempted. */
function stats(s: Samples, gcs: readonly { start: number; end: number }[]) {
  const calm = new Float64Array(s.n);
  let nCalm = 0;
  let over1 = 0;
  let over1Gc = 0;
  let over1Preempted = 0;
  for (let i = 0; i < s.n; i++) {
    const from = s.from[i]!;
    const to = s.to[i]!;
    const gc = gcs.some((g) => g.start < to && g.end > from);
    const preempted = s.waitNs[i]! > 0;
    if (!gc && !preempted) calm[nCalm++] = s.ms[i]!;
    if (s.ms[i]! > 1) {
      over1++;
      if (gc) over1Gc++;
      if (preempted) over1Preempted++;
    }
  }
  return {
    p50: quantile(s.ms, s.n, 0.5),
    p99: quantile(s.ms, s.n, 0.99),
    max: quantile(s.ms, s.n, 1),
    calmP99: quantile(calm, nCalm, 0.99),
    calmShare: nCalm / Math.max(1, s.n),
    over1,
    over1Gc,
    over1Preempted,
    steps: s.steps / Math.max(1, s.n),
  };
}

function summary(p: Phase, gcs: readonly { start: number; end: number }[]) {
  const o = stats(p.ours, gcs);
  const b = stats(p.bare, gcs);
  return {
    oursP50Ms: round(o.p50),
    oursP99Ms: round(o.p99),
    oursMaxMs: round(o.max),
    bareP50Ms: round(b.p50),
    bareP99Ms: round(b.p99),
    bareMaxMs: round(b.max),
    overheadP99Ms: round(o.p99 - b.p99),
    callsPerSec: Math.round(p.calls / p.seconds),
    // diagnostics: what the slow calls had in common
    oursOver1Ms: o.over1,
    oursOver1MsInGc: o.over1Gc,
    oursOver1MsPreempted: o.over1Preempted,
    bareOver1Ms: b.over1,
    calmOverheadP99Ms: round(o.calmP99 - b.calmP99),
    calmShare: round(Math.min(o.calmShare, b.calmShare)),
    oursSteps: round(o.steps),
    bareSteps: round(b.steps),
    asyncPaths: p.asyncPaths,
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const stack = await startStack({
    extraEnv: {
      ingest: {
        // every phone of the fleet sends from 127.0.0.1, and each reports every USERS/PRESENCE_RATE s
        RATE_LIMIT_IP_PER_SEC: '1000000',
        RATE_LIMIT_IP_BURST: '1000000',
        RATE_LIMIT_DEVICE_PER_SEC: String(Math.max(2, Math.ceil((2 * PRESENCE_RATE) / USERS))),
        RATE_LIMIT_DEVICE_BURST: '20',
      },
    },
  });
  let fleet: ReturnType<typeof startFleet> | undefined;
  try {
    log(`stack up in ${Math.round(performance.now() - t0)} ms (prefix ${stack.prefix})`);
    const t1 = performance.now();
    const devices = await provision(stack);
    log(
      `${USERS} users, ${devices.length} phones, scenarios provisioned in ${Math.round(performance.now() - t1)} ms`,
    );

    const pbx = new PbxModel(stack.ami, {
      dialplan: parseDialplan([
        { name: 'extensions_smartassistant.conf', text: OUR_DIALPLAN },
        { name: 'site', text: SITE },
      ]),
      secondMs: SECOND_MS,
      globals: { SA_LOCAL_CONTEXT: 'phones', SA_DIAL_CONTEXT: 'from-internal' },
    });
    for (let i = 0; i < USERS; i++) {
      pbx.endpoint(`PJSIP/${ext(i)}`, { answerAfterS: 1 });
      pbx.endpoint(`PSTN/${mobile(ext(i))}`, { answerAfterS: 1 });
    }
    for (const r of ROOMS) pbx.endpoint(`PJSIP/room${r}`, { answerAfterS: 1 });

    fleet = startFleet(stack, devices);
    await fleet.ready;
    fleet.rate(PRESENCE_RATE);
    const t2 = performance.now();
    const withTarget = () => {
      let n = 0;
      for (let i = 0; i < USERS; i++) if (stack.ami.dbGet('SMARTASSISTANT', `${ext(i)}/target`)) n++;
      return n;
    };
    while (withTarget() < USERS && performance.now() - t2 < 60_000) await sleep(250);
    log(
      `${withTarget()}/${USERS} users have a target in AstDB after ${Math.round(performance.now() - t2)} ms`,
    );

    if (PBX_NICE !== undefined) {
      setPriority(0, PBX_NICE); // Linux: this thread only (not the fleet's, not the services)
      log(`PBX model thread at nice ${getPriority(0)}`);
    }
    // the main thread's id is the process id: only it (the model and the AMI test server) is raised
    if (PBX_REALTIME) {
      execFileSync('chrt', ['--rr', '--pid', '10', String(process.pid)]);
      log(
        `PBX model thread: ${execFileSync('chrt', ['--pid', String(process.pid)], { encoding: 'utf8' }).trim()}`,
      );
    }
    if (WARMUP_S > 0) await callPhase(stack, pbx, WARMUP_S);
    const measure = async (what: string) => {
      const pids = Object.fromEntries(
        [
          ['bench', process.pid],
          ...Object.values(stack.services)
            .filter((s) => s.child.exitCode === null)
            .map((s) => [s.name, s.child.pid!] as const),
        ].map(([k, pid]) => [k, { pid: pid as number, cpu: cpuMs(pid as number) }]),
      );
      const redirects = stack.ami.actions('Redirect').length;
      const targetWrites = () =>
        stack.ami.actions('DBPut').filter((m) => m.get('Key')?.endsWith('/target')).length;
      const writes0 = targetWrites();
      const f0 = await fleet!.stats();
      const logLines = () => Object.values(stack.services).reduce((n, svc) => n + svc.logs.length, 0);
      const lines0 = logLines();
      gcPauses.length = 0;
      const sched0 = schedstat();
      const phase = await callPhase(stack, pbx, DURATION_S);
      const sched1 = schedstat();
      const pctOfPhase = (ns: number) => Math.round(ns / 1e7 / phase.seconds);
      const f1 = await fleet!.stats();
      const cpuPct = Object.fromEntries(
        Object.entries(pids).map(([k, v]) => [
          k,
          Math.round(((cpuMs(v.pid) - v.cpu) / (phase.seconds * 1000)) * 100),
        ]),
      );
      const s = summary(phase, gcPauses);
      const extra = {
        presenceReportsPerSec: Math.round((f1.sent - f0.sent) / phase.seconds),
        presenceRepliesPerSec: Math.round((f1.replies - f0.replies) / phase.seconds),
        presenceMovesPerSec: Math.round((f1.moves - f0.moves) / phase.seconds),
        astdbTargetWritesPerSec: Math.round((targetWrites() - writes0) / phase.seconds),
        redirects: stack.ami.actions('Redirect').length - redirects,
        wrongTargets: phase.wrong.length,
        noTarget: phase.noTarget,
        serviceLogLinesPerSec: Math.round((logLines() - lines0) / phase.seconds),
        // the thread running the PBX model (and the AMI server): on a CPU, and runnable but waiting for one
        pbxThreadCpuPct: pctOfPhase(sched1.runNs - sched0.runNs),
        pbxThreadRunqueueWaitPct: pctOfPhase(sched1.waitNs - sched0.waitNs),
        cpuPct,
      };
      log(`${what}: ${JSON.stringify({ calls: phase.calls, ...s, ...extra })}`);
      for (const w of phase.wrong.slice(0, 5)) log(`  wrong target: ${w}`);
      if (process.env.BENCH_CALL_DEBUG)
        for (const svc of Object.values(stack.services)) {
          const hist: Record<string, number> = {};
          for (const l of svc.logs) {
            const k = `${String(l.event ?? l.msg)} ${String(l.code ?? '')} ${JSON.stringify(l.err ?? '').slice(0, 80)}`;
            hist[k] = (hist[k] ?? 0) + 1;
          }
          log(
            `  ${svc.name} log events: ${JSON.stringify(hist)} stderr: ${svc.stderr.slice(-3).join(' | ')}`,
          );
        }
      return { phase, s, extra };
    };
    const up = await measure('services up');
    await stack.services.router.stop('SIGTERM');
    await stack.services['ami-bridge'].stop('SIGTERM');
    log('router and ami-bridge stopped');
    const down = await measure('router and ami-bridge down');
    await fleet.stop();
    fleet = undefined;

    const result = {
      callsPerSec: up.s.callsPerSec,
      calls: up.phase.calls,
      overheadP99Ms: up.s.overheadP99Ms,
      overheadP99MsServicesDown: down.s.overheadP99Ms,
      oursP50Ms: up.s.oursP50Ms,
      oursP99Ms: up.s.oursP99Ms,
      bareP50Ms: up.s.bareP50Ms,
      bareP99Ms: up.s.bareP99Ms,
      oursDownP50Ms: down.s.oursP50Ms,
      oursDownP99Ms: down.s.oursP99Ms,
      bareDownP50Ms: down.s.bareP50Ms,
      bareDownP99Ms: down.s.bareP99Ms,
      oursMaxMs: up.s.oursMaxMs,
      bareMaxMs: up.s.bareMaxMs,
      callsDown: down.phase.calls,
      callsPerSecDown: down.s.callsPerSec,
      presenceReportsPerSec: up.extra.presenceReportsPerSec,
      presenceRepliesPerSec: up.extra.presenceRepliesPerSec,
      presenceMovesPerSec: up.extra.presenceMovesPerSec,
      astdbTargetWritesPerSec: up.extra.astdbTargetWritesPerSec,
      redirects: up.extra.redirects,
      wrongTargets: up.extra.wrongTargets + down.extra.wrongTargets,
      noTarget: up.extra.noTarget + down.extra.noTarget,
      calmOverheadP99Ms: up.s.calmOverheadP99Ms,
      calmOverheadP99MsServicesDown: down.s.calmOverheadP99Ms,
      oursOver1Ms: up.s.oursOver1Ms,
      oursOver1MsInGc: up.s.oursOver1MsInGc,
      oursOver1MsPreempted: up.s.oursOver1MsPreempted,
      oursDownOver1Ms: down.s.oursOver1Ms,
      oursDownOver1MsInGc: down.s.oursOver1MsInGc,
      oursDownOver1MsPreempted: down.s.oursOver1MsPreempted,
      asyncPaths: up.s.asyncPaths + down.s.asyncPaths,
      oursStepsPerCall: up.s.oursSteps,
      bareStepsPerCall: up.s.bareSteps,
      pbxThreadCpuPct: up.extra.pbxThreadCpuPct,
      pbxThreadRunqueueWaitPct: up.extra.pbxThreadRunqueueWaitPct,
      pbxThreadRunqueueWaitPctDown: down.extra.pbxThreadRunqueueWaitPct,
      cpuPct: up.extra.cpuPct,
      cpuPctDown: down.extra.cpuPct,
      users: USERS,
      pbxNice: getPriority(0),
      pbxRealtime: PBX_REALTIME,
      secondMs: SECOND_MS,
      durationS: DURATION_S,
      cpuCores: availableParallelism(),
      loadAvg1m: round(loadavg()[0]!),
    };
    log(`done in ${Math.round((performance.now() - t0) / 1000)} s; stopping the stack`);
    await stack.stop();
    console.log(JSON.stringify(result));
  } catch (err) {
    await fleet?.stop().catch(() => {});
    await stack.stop().catch(() => {});
    throw err;
  }
}

await main();

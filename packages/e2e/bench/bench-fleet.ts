// npm run bench:fleet — a fleet of phones against the whole system on this machine: admin, ingest,
// router and ami-bridge as real processes (startStack) on the machine's NATS, Redis and Postgres, with
// the AMI test server in this process standing in for Asterisk.
//
// 1. Registers N users and phones through admin (src/fleet-provision.ts): bulk CSV imports, each device
//    enrolled with its own key, and every user's scenarios Office -> desk, Conference -> room,
//    default -> mobile.
// 2. Idle CPU of the loaded system (--idle-s), then the baseline: a bare JetStream publish loop
//    (publish-baseline.ts).
// 3. A forked load generator (fleet-generator.ts, its CPU measured apart) has every phone report once
//    per interval with jitter: first reports over the warm-up (every one a change); once every user's
//    first target is in AstDB, the measured phase, in which each report comes from the other place
//    with probability --movers-pct (its user's target changes) and a random --stale-pct of the phones
//    go silent.
//
// Last stdout line, one JSON object:
//   reportsPerSec       OK replies to measured-phase reports per second of that phase
//   lossPct             measured-phase reports without an OK reply within --tail-s of the last report
//   moverToAstDbP99Ms   a mover's report from the new place -> DBPut <ext>/target of the new target
//                       received by the AMI test server
//   staleToDefaultP99S  a stopped phone's last report -> DBPut of its user's default target
//                       (compare with presenceTimeoutS)
//   unchangedPct        measured reports ingest answered without the bus (change-driven presence)
//   cpuUsPerReport      user+system CPU per accepted report over the measured phase, of ingest, router,
//                       ami-bridge, admin, nats-server, redis-server and this process (the AMI test
//                       server, reading the services' logs, bookkeeping); cpuUsPerReportByProcess
//                       breaks it down. Not in it: the generator (generatorCpuUsPerReport) and postgres
//                       (postgresUsPerReport: postmaster and all its processes; nothing on the report
//                       path uses it). idleCores: the same processes before any phone reported;
//                       cpuUsPerReportAboveIdle: the total less that.
//   baseline            the publish ceiling: msgs/s and CPU per message of nats-server + publisher
//   benchLoopDelayMs    this process's event-loop delay (p99, max) over the measured phase: it runs
//                       the AMI test server, which timestamps each DBPut, so a latency tail as long
//                       as this is the benchmark's own
//   slowMoves           the moves slower than 250 ms, split into report -> published by ingest ->
//                       router's AmiCommand -> DBPut (medians; move-timeline.ts)
//   routerPause         with --router-pause-s: what a router stopped that long cost (router-pause.ts);
//                       the moves made meanwhile wait for it, so mover latency then includes the pause
// nats-server, redis-server and postgres are the machine's shared ones: whatever else runs on the
// machine meanwhile is counted too.
//
// Flags: --phones (5000) --interval-s (60) --movers-pct (5, per interval) --duration-s (120, measured
// phase) --presence-timeout-s (2 x interval; router's PRESENCE_TIMEOUT_S) --stale-pct (1)
// --jitter-pct (10) --warmup-s (interval / 3) --hysteresis-reports (1: router's HYSTERESIS_REPORTS,
// so one report from a new place moves the user and the mover latency is the pipeline's, not the
// hysteresis') --idle-s (5) --baseline-s (5) --tail-s (3) --env NAME=VALUE (repeatable, set for
// every service, e.g. --env QUIET_PRESENCE=false to compare with every report published)
// --router-pause-s (0) --router-pause-at-s (10: into the measured phase).
// Everything is registered by CSV import (users, destinations, devices with their enrolments, then
// the scenarios): about 1,000 users a second here, most of it the devices' enrolment.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { busNames } from '@sa/proto';
import { testUrls } from '@sa/testkit';
import {
  type IngestReportCounts,
  ingestReportCounts,
  provisionFleet,
  type Stack,
  startStack,
} from '../src/index.js';
import {
  type FromGenerator,
  type GeneratorSettings,
  mobileDialOf,
  type PhaseStats,
  type ToGenerator,
  targetDialAt,
} from './fleet-model.js';
import { MoveTimeline } from './move-timeline.js';
import {
  cpuMicros,
  listenerPid,
  machineBusyMicros,
  quantileOf,
  rssMb,
  treeCpuMicros,
} from './process-cpu.js';
import { measurePublishBaseline } from './publish-baseline.js';
import { pauseRouter, type RouterPauseOutcome } from './router-pause.js';
import { TargetWrites } from './target-writes.js';

const log = (msg: string) => process.stderr.write(`[bench-fleet] ${msg}\n`);

/**
 * Router writes each new user's default target as its config arrives: idle CPU is measured once
 * that is over (every user written, or no write for 3 s; 10 min at most).
 */
async function targetsSettled(writes: TargetWrites, users: number): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < 600_000) {
    const quietFor = Date.now() - writes.lastWriteAtMs;
    if (writes.usersWritten >= users || (writes.lastWriteAtMs > 0 && quietFor > 3000)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  log(
    `default targets of ${writes.usersWritten} users written in ${round((performance.now() - started) / 1000)} s`,
  );
}

function readFlags() {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(
        [
          'phones',
          'interval-s',
          'movers-pct',
          'duration-s',
          'presence-timeout-s',
          'stale-pct',
          'jitter-pct',
          'warmup-s',
          'hysteresis-reports',
          'baseline-s',
          'idle-s',
          'tail-s',
          'router-pause-s',
          'router-pause-at-s',
        ].map((name) => [name, { type: 'string' as const }]),
      ),
      // NAME=VALUE for every service (repeatable), e.g. --env QUIET_PRESENCE=false
      env: { type: 'string', multiple: true },
    },
  });
  const num = (name: string, fallback: number): number => {
    const raw = (values as Record<string, unknown>)[name] as string | undefined;
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0, got ${raw}`);
    return v;
  };
  const intervalS = num('interval-s', 60);
  const flags = {
    phones: Math.round(num('phones', 5000)),
    intervalS,
    moversPct: num('movers-pct', 5),
    durationS: num('duration-s', 120),
    presenceTimeoutS: Math.round(num('presence-timeout-s', 2 * intervalS)),
    stalePct: num('stale-pct', 1),
    jitterPct: Math.min(90, num('jitter-pct', 10)),
    warmupS: num('warmup-s', intervalS / 3),
    hysteresisReports: Math.max(1, Math.round(num('hysteresis-reports', 1))),
    baselineS: num('baseline-s', 5),
    idleS: Math.max(1, num('idle-s', 5)),
    tailS: num('tail-s', 3),
    routerPauseS: num('router-pause-s', 0),
    routerPauseAtS: num('router-pause-at-s', 10),
    serviceEnv: Object.fromEntries(
      (values.env ?? []).map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new Error(`--env takes NAME=VALUE, got ${pair}`);
        return [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
    ),
  };
  if (flags.phones < 1 || intervalS <= 0 || flags.durationS <= 0 || flags.presenceTimeoutS < 1) {
    throw new Error('--phones, --interval-s, --duration-s and --presence-timeout-s must be positive');
  }
  const longestGapS = Math.max(flags.warmupS + intervalS, intervalS * (1 + flags.jitterPct / 100));
  if (flags.presenceTimeoutS <= longestGapS) {
    log(
      `warning: --presence-timeout-s ${flags.presenceTimeoutS} is not above the longest gap between two reports (${longestGapS} s): reporting phones will go stale`,
    );
  }
  return flags;
}

type Flags = ReturnType<typeof readFlags>;

/** How to read the CPU time of each process the result counts, by name. */
function cpuSources(stack: Stack, natsPid: number): Record<string, () => number> {
  const service = (name: keyof Stack['services']) => {
    const pid = stack.services[name].child.pid;
    if (pid === undefined) throw new Error(`${name} has no pid`);
    return () => cpuMicros(pid);
  };
  const redisPid = listenerPid('redis-server', Number(new URL(testUrls.redis).port || 6379));
  const postmaster = listenerPid('postgres', Number(new URL(testUrls.postgres).port || 5432));
  return {
    ingest: service('ingest'),
    router: service('router'),
    'ami-bridge': service('ami-bridge'),
    admin: service('admin'),
    'nats-server': () => cpuMicros(natsPid),
    'redis-server': () => cpuMicros(redisPid),
    postgres: () => treeCpuMicros(postmaster),
    'bench (AMI test server)': () => cpuMicros(process.pid),
    machine: machineBusyMicros,
  };
}

const cpuSnapshot = (sources: Record<string, () => number>) =>
  Object.fromEntries(Object.entries(sources).map(([name, read]) => [name, read()]));

const cpuDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - a[k]!]));

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

interface RunOutcome {
  warmup: PhaseStats;
  run: PhaseStats;
  runSeconds: number;
  lateReports: number;
  cpu: Record<string, number>;
  generatorCpu: number;
  keysDerivedMs: number;
  /** seconds from the last first report until every user's first target was written */
  warmupSettled: { seconds: number; complete: boolean };
  /** ingest's own counts over the measured phase: reports published vs answered without the bus */
  ingestReports: IngestReportCounts;
  /** this process's event-loop delay over the measured phase (ms) */
  benchLoopDelayMs: { p99: number; max: number };
}

/**
 * Forks the generator, starts its measured phase once every user's first target is in AstDB (or
 * `settleTimeoutS` after the last first report), and feeds moves and stops to `writes`.
 */
async function runFleet(
  settings: GeneratorSettings,
  phones: number,
  settleTimeoutS: number,
  sources: Record<string, () => number>,
  writes: TargetWrites,
  ingestOps: string,
  onMeasuring: () => void,
): Promise<RunOutcome> {
  // set from the generator's messages (TypeScript cannot see those assignments: hence the casts)
  let counts0 = null as Promise<IngestReportCounts> | null;
  let counts1 = null as Promise<IngestReportCounts> | null;
  const child = fork(new URL('./fleet-generator.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const generatorPid = child.pid!;
  let cpu0: Record<string, number> = {};
  let gen0 = 0;
  let cpu1: Record<string, number> = {};
  let gen1 = 0;
  let keysDerivedMs = 0;
  let firstReportsAt = 0;
  let settled: { seconds: number; complete: boolean } | null = null;
  const settleTimer = setInterval(() => {
    if (firstReportsAt === 0 || settled) return;
    const seconds = (Date.now() - firstReportsAt) / 1000;
    const complete = writes.atFirstPlace >= phones;
    if (!complete && seconds < settleTimeoutS) return;
    settled = { seconds: round(seconds, 2), complete };
    if (!complete) {
      log(
        `warning: ${phones - writes.atFirstPlace} users still without their first target; measuring anyway`,
      );
    }
    child.send({ type: 'measure' } satisfies ToGenerator);
  }, 50);
  // this process timestamps every DBPut (the AMI test server): its own stalls count as latency
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    const done = await new Promise<Extract<FromGenerator, { type: 'done' }>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the generator exited with ${code}`)));
      child.on('message', (m: FromGenerator) => {
        switch (m.type) {
          case 'ready':
            keysDerivedMs = m.keysDerivedMs;
            log(
              `generator: ${m.keysDerivedMs} ms to derive the phones' keys; warm-up ${round(settings.warmupS)} s`,
            );
            break;
          case 'firstReportsSent':
            firstReportsAt = m.atMs;
            break;
          case 'measuring':
            loopDelay.enable();
            cpu0 = cpuSnapshot(sources);
            gen0 = cpuMicros(generatorPid);
            counts0 = ingestReportCounts(ingestOps);
            writes.countFrom(m.atMs);
            log(`measuring for ${settings.runS} s (users with a target so far: ${writes.usersWritten})`);
            onMeasuring();
            break;
          case 'moves':
            for (let k = 0; k < m.moves.length; k += 3) {
              const i = m.moves[k]!;
              writes.expectMove(i, targetDialAt(i, m.moves[k + 1]!), m.moves[k + 2]!);
            }
            break;
          case 'stops':
            for (let k = 0; k < m.stops.length; k += 2) {
              const i = m.stops[k]!;
              writes.expectStale(i, mobileDialOf(i), m.stops[k + 1]!);
            }
            log(`stopped ${m.stops.length / 2} phones`);
            break;
          case 'sendingEnded':
            writes.sendingEnded(m.atMs);
            loopDelay.disable();
            cpu1 = cpuSnapshot(sources);
            gen1 = cpuMicros(generatorPid);
            counts1 = ingestReportCounts(ingestOps);
            break;
          case 'done':
            resolve(m);
            break;
        }
      });
      child.send({ type: 'start', settings } satisfies ToGenerator);
    });
    const [c0, c1] = await Promise.all([counts0, counts1]);
    return {
      ...done,
      ingestReports: {
        published: (c1?.published ?? 0) - (c0?.published ?? 0),
        unchanged: (c1?.unchanged ?? 0) - (c0?.unchanged ?? 0),
      },
      cpu: cpuDelta(cpu0, cpu1),
      generatorCpu: gen1 - gen0,
      keysDerivedMs,
      warmupSettled: settled ?? { seconds: Number.NaN, complete: false },
      benchLoopDelayMs: {
        p99: round(loopDelay.percentile(99) / 1e6),
        max: round(loopDelay.max / 1e6),
      },
    };
  } finally {
    clearInterval(settleTimer);
    child.removeAllListeners('exit');
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

/** Waits for the moves and stale fallbacks still due, at most until their deadline. */
async function settle(writes: TargetWrites, presenceTimeoutS: number): Promise<void> {
  const movesBy = Date.now() + 10_000;
  const staleBy = Math.min(
    Date.now() + (presenceTimeoutS + 30) * 1000,
    writes.latestStaleSinceMs + (presenceTimeoutS + 15) * 1000,
  );
  while (
    (writes.pendingMoves > 0 && Date.now() < movesBy) ||
    (writes.pendingStale > 0 && Date.now() < staleBy)
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const f: Flags = readFlags();
  const started = performance.now();
  // the latest stop whose fallback (last report + timeout) still falls inside the measured phase
  const stopAtS = Math.max(0, Math.min(f.durationS / 2, f.durationS - f.presenceTimeoutS - 5));
  if (f.stalePct > 0 && f.durationS < f.presenceTimeoutS) {
    log('warning: --duration-s is shorter than the presence timeout; stale phones are awaited after the run');
  }
  log(
    `${f.phones} phones, one report each ${f.intervalS} s (${round(f.phones / f.intervalS)}/s), ${f.moversPct} % movers, presence timeout ${f.presenceTimeoutS} s`,
  );
  const stack = await startStack({
    presenceTimeoutS: f.presenceTimeoutS,
    extraEnv: {
      ingest: {
        // every phone of the bench sends from 127.0.0.1
        RATE_LIMIT_IP_PER_SEC: '1000000000',
        RATE_LIMIT_IP_BURST: '1000000000',
        // as deployed (deploy/systemd/env/ingest.env)
        NODE_OPTIONS: '--max-semi-space-size=8 --max-old-space-size=384',
        ...f.serviceEnv,
      },
      router: { HYSTERESIS_REPORTS: String(f.hysteresisReports), ...f.serviceEnv },
      admin: f.serviceEnv,
      'ami-bridge': f.serviceEnv,
    },
  });
  const workDir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  // a phone's last report was sent at most one gap (interval and jitter) before sending ended
  const lastGapS = f.intervalS * (1 + f.jitterPct / 100);
  const writes = new TargetWrites(stack.ami, (f.presenceTimeoutS - lastGapS) * 1000);
  const drainTimer = setInterval(() => writes.drain(), 20);
  try {
    const stackS = round((performance.now() - started) / 1000);
    log(`stack up in ${stackS} s (prefix ${stack.prefix})`);
    const adminPid = stack.services.admin.child.pid!;
    const adminCpu0 = cpuMicros(adminPid);
    const { phones, timings } = await provisionFleet(
      {
        adminUrl: stack.services.admin.addresses.http!,
        databaseUrl: testUrls.postgres,
        schema: stack.prefix,
      },
      f.phones,
      log,
    );
    log(
      `provisioning: admin CPU ${Math.round((cpuMicros(adminPid) - adminCpu0) / f.phones / 100) / 10} ms per user`,
    );
    const phonesFile = join(workDir, 'phones.json');
    writeFileSync(phonesFile, JSON.stringify(phones));
    await new Promise((r) => setTimeout(r, 2000)); // ingest and router take the last snapshots
    await targetsSettled(writes, f.phones);
    const natsPid = listenerPid('nats-server', Number(new URL(testUrls.nats).port || 4222));
    const sources = cpuSources(stack, natsPid);
    // the system with its users and devices loaded and no phone reporting: what runs anyway
    const idle0 = cpuSnapshot(sources);
    const idleStart = performance.now();
    await new Promise((r) => setTimeout(r, f.idleS * 1000));
    const idle = cpuDelta(idle0, cpuSnapshot(sources));
    const idleS = (performance.now() - idleStart) / 1000;
    const baseline = await measurePublishBaseline(testUrls.nats, natsPid, f.baselineS);
    log(`baseline ${JSON.stringify(baseline)}`);
    const writesBefore = writes.usersWritten;
    const timeline = new MoveTimeline();
    await timeline.start(testUrls.nats, busNames(stack.prefix));
    let routerPause: Promise<RouterPauseOutcome> | null = null;
    const pauseRouterOnce = () => {
      if (f.routerPauseS <= 0) return;
      routerPause = pauseRouter({
        router: stack.services.router.child,
        natsUrl: testUrls.nats,
        stream: busNames(stack.prefix).phoneStream,
        ingestOps: stack.services.ingest.addresses.ops!,
        afterS: f.routerPauseAtS,
        forS: f.routerPauseS,
        log,
      });
    };

    const outcome = await runFleet(
      {
        phonesFile,
        host: stack.ingestUdp.host,
        port: stack.ingestUdp.port,
        intervalS: f.intervalS,
        jitterPct: f.jitterPct,
        moversPct: f.moversPct,
        warmupS: f.warmupS,
        runS: f.durationS,
        stopAtS,
        stalePct: f.stalePct,
        tailS: f.tailS,
      },
      f.phones,
      Math.max(30, f.phones / 200),
      sources,
      writes,
      stack.services.ingest.addresses.ops!,
      pauseRouterOnce,
    );
    const paused = await (routerPause as Promise<RouterPauseOutcome> | null);
    await settle(writes, f.presenceTimeoutS);
    writes.drain();
    await timeline.stop();

    const { run, warmup } = outcome;
    const unexplained = writes.unexplained(8);
    if (unexplained.count > 0) {
      log(
        `target writes no move or stop explains: ${unexplained.count}, e.g. [phone, dial, at] ${JSON.stringify(unexplained.sample)}`,
      );
    }
    const accepted = run.ok;
    const { postgres: runPostgres = 0, machine: runMachine = 0, ...counted } = outcome.cpu;
    const { postgres: idlePostgres = 0, machine: idleMachine = 0, ...idleCounted } = idle;
    const cpuTotal = Object.values(counted).reduce((a, b) => a + b, 0);
    const idleTotal = Object.values(idleCounted).reduce((a, b) => a + b, 0);
    const cores = (us: number, seconds: number) => round(us / 1e6 / seconds, 2);
    const perReport = (us: number) => round(us / Math.max(1, accepted));
    const rss = Object.fromEntries(
      (['ingest', 'router', 'ami-bridge', 'admin'] as const).map((n) => [
        n,
        rssMb(stack.services[n].child.pid!),
      ]),
    );
    const moveLatencies = writes.moveLatenciesMs;
    const staleLatencies = writes.staleLatenciesS;
    const result = {
      phones: f.phones,
      intervalS: f.intervalS,
      offeredReportsPerSec: round(f.phones / f.intervalS),
      reportsPerSec: round(accepted / outcome.runSeconds),
      lossPct: round((100 * (run.sent - run.ok)) / Math.max(1, run.sent), 3),
      sent: run.sent,
      accepted,
      rejectedByStatus: run.notOk,
      unreadableReplies: run.unreadable,
      replyP50Ms: run.replyP50Ms,
      replyP99Ms: run.replyP99Ms,
      moversPct: f.moversPct,
      moves: moveLatencies.length + writes.pendingMoves,
      moverToAstDbP50Ms: quantileOf(moveLatencies, 0.5),
      moverToAstDbP99Ms: quantileOf(moveLatencies, 0.99),
      moverToAstDbMaxMs: moveLatencies.length > 0 ? moveLatencies.reduce((a, b) => Math.max(a, b)) : null,
      movesUnresolved: writes.pendingMoves,
      presenceTimeoutS: f.presenceTimeoutS,
      staleSampled: staleLatencies.length + writes.pendingStale,
      staleToDefaultP50S: quantileOf(staleLatencies, 0.5),
      staleToDefaultP99S: quantileOf(staleLatencies, 0.99),
      staleUnresolved: writes.pendingStale,
      targetWritesInRun: writes.writes,
      unexplainedTargetWrites: unexplained.count,
      // change-driven presence: the share of measured reports ingest answered without the bus
      publishedReports: outcome.ingestReports.published,
      unchangedReports: outcome.ingestReports.unchanged,
      unchangedPct: round(
        (100 * outcome.ingestReports.unchanged) /
          Math.max(1, outcome.ingestReports.unchanged + outcome.ingestReports.published),
        1,
      ),
      cpuUsPerReport: perReport(cpuTotal),
      cpuUsPerReportByProcess: Object.fromEntries(
        Object.entries(counted).map(([name, us]) => [name, perReport(us)]),
      ),
      cpuCoresBusy: round(cpuTotal / 1e6 / outcome.runSeconds, 2),
      // the same processes with no phone reporting, in CPU cores, and the total per report above it
      idleCores: Object.fromEntries(
        Object.entries(idleCounted).map(([name, us]) => [name, round(us / 1e6 / idleS, 3)]),
      ),
      cpuUsPerReportAboveIdle: perReport(cpuTotal - (idleTotal / idleS) * outcome.runSeconds),
      postgresUsPerReport: perReport(runPostgres),
      postgresIdleCores: round(idlePostgres / 1e6 / idleS, 3),
      // how busy the whole machine was, and how much of that was neither the system, the generator
      // nor postgres (other work on the machine skews every figure here)
      machineBusyCores: cores(runMachine, outcome.runSeconds),
      otherCores: cores(runMachine - cpuTotal - outcome.generatorCpu - runPostgres, outcome.runSeconds),
      otherCoresIdle: cores(idleMachine - idleTotal - idlePostgres, idleS),
      generatorCpuUsPerReport: round(outcome.generatorCpu / Math.max(1, run.sent)),
      lateReports: outcome.lateReports,
      benchLoopDelayMs: outcome.benchLoopDelayMs,
      slowMoves: timeline.split(writes.slowMoves),
      ...(paused && { routerPause: paused }),
      rssMb: rss,
      baseline,
      warmup: {
        seconds: round(f.warmupS),
        sent: warmup.sent,
        ok: warmup.ok,
        rejectedByStatus: warmup.notOk,
        usersWithTargetBefore: writesBefore,
        // from the last first report until every user's first target was in AstDB
        settleS: outcome.warmupSettled.seconds,
        settled: outcome.warmupSettled.complete,
      },
      setupS: { stack: stackS, ...timings, keysDerivedS: outcome.keysDerivedMs / 1000 },
      hysteresisReports: f.hysteresisReports,
      stalePct: f.stalePct,
      serviceEnv: f.serviceEnv,
      durationS: round(outcome.runSeconds),
      totalS: round((performance.now() - started) / 1000),
      cpuCores: cpus().length,
    };
    clearInterval(drainTimer);
    await stack.stop();
    rmSync(workDir, { recursive: true, force: true });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    clearInterval(drainTimer);
    await stack.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// The chaos run: the whole system (chaos-system.ts) with a provisioned fleet reporting presence and
// calls arriving at a steady rate, while the faults (faults.ts) are injected in turn, one every
// faultGapS seconds after a fault-free baseline. At the end the phones stop moving, every report
// still unanswered is retried until ingest acknowledges it, and every user's AstDB target is
// compared with its phone's last acknowledged place.
import { extensionOf, provisionFleet } from '@sa/e2e';
import { AstDbSync } from './astdb-sync.js';
import { CallLoad } from './call-load.js';
import { type ChaosSystem, startChaosSystem } from './chaos-system.js';
import { FAULTS, type FaultDetail, type FaultName, makeFault, type RedisFault } from './faults.js';
import { PhoneFleet } from './phone-fleet.js';
import { resyncByFault, steadyState } from './resync.js';

export interface ChaosOptions {
  readonly users: number;
  /** seconds between two reports of a phone */
  readonly intervalS: number;
  /** chance of a report to come from the other place, in % */
  readonly movePct: number;
  /** phones (%) that move in the probe waves after each fault */
  readonly probePct: number;
  readonly callsPerSec: number;
  /** fault-free seconds before the first fault */
  readonly baselineS: number;
  /** seconds from one fault to the next (and from the last to the end) */
  readonly faultGapS: number;
  /** seconds after a kill until the killed part is started again */
  readonly restoreAfterS: number;
  readonly postgresDownS: number;
  readonly redisFault: RedisFault;
  /** router's and ami-bridge's lease, ms */
  readonly leaseMs: number;
  /** where to save the services' logs at the end (unset: not saved) */
  readonly logDir?: string;
  readonly log: (msg: string) => void;
}

interface FaultRecord {
  readonly fault: FaultName;
  readonly atMs: number;
  readonly detail: FaultDetail;
}

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

async function waitUntil(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Probe moves after a fault: PROBE_WAVES_S seconds after it, probePct % of the phones (at least 10)
 * each move to their other place and report it at once, so every fault is met by moves whatever
 * the steady move rate, while it lasts and while the system recovers.
 */
const PROBE_WAVES_S = [0.2, 1, 2, 3, 4.5];

function probeMoves(fleet: PhoneFleet, o: ChaosOptions): Promise<number> {
  const perWave = Math.max(10, Math.round((o.users * o.probePct) / 100 / PROBE_WAVES_S.length));
  return Promise.all(
    PROBE_WAVES_S.map(
      (s) => new Promise<number>((r) => setTimeout(() => r(fleet.moveNow(perWave)), s * 1000)),
    ),
  ).then((n) => n.reduce((a, b) => a + b, 0));
}

async function injectAll(system: ChaosSystem, fleet: PhoneFleet, o: ChaosOptions): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const name of FAULTS) {
    const fault = makeFault(name, system, {
      postgresDownMs: o.postgresDownS * 1000,
      redisFault: o.redisFault,
    });
    const atMs = Date.now();
    o.log(`fault: ${name}`);
    const probes = probeMoves(fleet, o);
    const detail = { ...(await fault.inject()), probeMoves: await probes };
    o.log(`  ${JSON.stringify(detail)}`);
    await sleepUntil(atMs + o.restoreAfterS * 1000);
    const restored = await fault.restore();
    if (Object.keys(restored).length > 0) o.log(`  restored: ${JSON.stringify(restored)}`);
    records.push({ fault: name, atMs, detail: { at: new Date(atMs).toISOString(), ...detail, ...restored } });
    await sleepUntil(atMs + o.faultGapS * 1000);
  }
  return records;
}

/** Stop moving, let every unanswered report be acknowledged, let AstDB catch up. */
async function settle(fleet: PhoneFleet, sync: AstDbSync, log: (msg: string) => void): Promise<void> {
  fleet.moving = false;
  const acked = await waitUntil(() => fleet.pendingCount() === 0, 30_000);
  if (!acked) log(`warning: ${fleet.pendingCount()} phones still without an answer after 30 s`);
  const right = await waitUntil(() => sync.wrongAtEnd().length === 0, 30_000);
  if (!right) log(`warning: ${sync.wrongAtEnd().length} users' AstDB targets still wrong after 30 s`);
  sync.sample();
}

interface Loads {
  readonly fleet: PhoneFleet;
  readonly sync: AstDbSync;
  readonly calls: CallLoad;
}

async function startLoads(system: ChaosSystem, o: ChaosOptions): Promise<Loads> {
  const { phones } = await provisionFleet(
    {
      adminUrl: system.services.admin[0]!.addresses.http!,
      databaseUrl: system.infra.databaseUrl,
      schema: system.infra.prefix,
    },
    o.users,
    o.log,
  );
  // router writes each imported user's default target as its config arrives: the steady state
  // starts once that is over, not with first reports queued behind those writes
  const t = Date.now();
  const defaults = await waitUntil(
    () => {
      for (let i = 0; i < o.users; i++)
        if (system.ami.dbGet('SMARTASSISTANT', `${extensionOf(i)}/target`) === undefined) return false;
      return true;
    },
    Math.max(60_000, o.users * 10),
  );
  if (!defaults) throw new Error("router did not write every user's default target");
  o.log(
    `every user's default target in AstDB ${Math.round((Date.now() - t) / 100) / 10} s after provisioning`,
  );
  const ingests = system.services.ingest.map((s) => {
    const udp = s.addresses.udp!;
    const colon = udp.lastIndexOf(':');
    return { host: udp.slice(0, colon), port: Number(udp.slice(colon + 1)) };
  });
  let sync: AstDbSync | null = null;
  const fleet = new PhoneFleet(
    phones,
    { ingests, intervalS: o.intervalS, movePct: o.movePct },
    {
      acked: (...args) => sync?.acked(...args),
    },
  );
  sync = new AstDbSync(system.ami, o.users, fleet.pendingPlace);
  fleet.moving = false;
  await fleet.start();
  sync.start();
  const t0 = Date.now();
  const warm = await waitUntil(() => sync.rightCount() === o.users, Math.max(60_000, o.users * 10));
  if (!warm)
    throw new Error(`only ${sync.rightCount()} of ${o.users} users have their first target in AstDB`);
  o.log(
    `every user's first target in AstDB ${Math.round((Date.now() - t0) / 100) / 10} s after the first reports`,
  );
  return { fleet, sync, calls: new CallLoad(system.ami, o.users, sync) };
}

/** Logs the behind episodes, relative to the fault before each (s), for the account. */
function logEpisodes(records: FaultRecord[], sync: AstDbSync, log: (msg: string) => void): void {
  const rel = (ms: number, at: number) => (Number.isFinite(ms) ? Math.round((ms - at) / 100) / 10 : 'open');
  for (const e of sync.episodes) {
    const f = [...records].reverse().find((r) => r.atMs - 1000 <= e.startMs);
    const at = f?.atMs ?? records[0]?.atMs ?? 0;
    log(
      `behind: user ${e.user} after ${f?.fault ?? 'start'}: from ${rel(e.startMs, at)} s to ${rel(e.endMs, at)} s`,
    );
  }
  for (const u of sync.unapplied) {
    const f = [...records].reverse().find((r) => r.atMs - 1000 <= u.ackedAtMs);
    const at = f?.atMs ?? 0;
    log(
      `unapplied move: user ${u.user} after ${f?.fault ?? 'start'}: acknowledged at ${rel(u.ackedAtMs, at)} s, superseded at ${rel(u.supersededAtMs, at)} s`,
    );
  }
}

function summary(records: FaultRecord[], loads: Loads, endMs: number, o: ChaosOptions) {
  const { fleet, sync, calls } = loads;
  logEpisodes(records, sync, o.log);
  const resync = resyncByFault(records, sync.episodes, endMs);
  const wrongAtEnd = sync.wrongAtEnd().length;
  const faults = records.map((r, k) => ({ fault: r.fault, ...resync[k]!, ...r.detail }));
  return {
    faults,
    ackedReports: sync.ackedReports,
    lostReports: wrongAtEnd + sync.unappliedMoves,
    maxResyncS: Math.max(0, ...resync.map((r) => r.resyncS)),
    callsRouted: calls.counts.routed,
    callsFailed: calls.counts.failed,
    callsBehind: calls.counts.behind,
    callFailures: calls.failures,
    users: o.users,
    ackedMoves: sync.ackedMoves,
    unappliedMoves: sync.unappliedMoves,
    supersededMoves: sync.supersededMoves,
    wrongAtEnd,
    reportsSent: fleet.sent.reports,
    retries: fleet.sent.retries,
    unavailableReplies: fleet.sent.unavailable,
    steadyState: steadyState(records[0]?.atMs ?? endMs, sync.episodes),
    toleranceS: 1,
    intervalS: o.intervalS,
    movePct: o.movePct,
    probePct: o.probePct,
    callsPerSec: o.callsPerSec,
    leaseMs: o.leaseMs,
  };
}

export type ChaosResult = ReturnType<typeof summary>;

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const system = await startChaosSystem(o.leaseMs, o.log);
  let loads: Loads | null = null;
  try {
    loads = await startLoads(system, o);
    loads.fleet.moving = true;
    loads.calls.start(o.callsPerSec);
    await sleepUntil(Date.now() + o.baselineS * 1000);
    const records = await injectAll(system, loads.fleet, o);
    await loads.calls.stop();
    await settle(loads.fleet, loads.sync, o.log);
    return summary(records, loads, Date.now(), o);
  } finally {
    if (o.logDir) system.saveLogs(o.logDir);
    loads?.sync.stop();
    loads?.fleet.stop();
    await loads?.calls.stop();
    await system.stop();
  }
}

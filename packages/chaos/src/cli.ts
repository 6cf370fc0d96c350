// npm run test:chaos — the chaos run (chaos-run.ts) with its defaults for this machine: 10,000 users
// on the 3-node NATS cluster and Redis Sentinel, two of each service. Progress goes to stderr; the
// last stdout line is the result as one JSON object. Exit 1 unless lostReports = 0, callsFailed = 0
// and maxResyncS <= 5. Flags: --users (10000) --interval-s (20) --move-pct (2) --probe-pct (2: phones
// moved in waves after each fault) --calls-per-sec (20) --baseline-s (15) --fault-gap-s (25)
// --restore-after-s (10) --postgres-down-s (3) --lease-ms (2000: router's and ami-bridge's lease)
// --redis-fault (failover: SENTINEL FAILOVER; kill-primary: SIGKILL the primary).
// CHAOS_LOG_DIR=<dir> saves every service process's log lines there.
import { parseArgs } from 'node:util';
import { type ChaosOptions, runChaos } from './chaos-run.js';
import { chaosPassed } from './verdict.js';

const DEFAULTS = {
  users: 10_000,
  'interval-s': 20,
  'move-pct': 2,
  'probe-pct': 2,
  'calls-per-sec': 20,
  'baseline-s': 15,
  'fault-gap-s': 25,
  'restore-after-s': 10,
  'postgres-down-s': 3,
  'lease-ms': 2000,
};

function readOptions(): ChaosOptions {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, { type: 'string' as const }])),
      'redis-fault': { type: 'string', default: 'failover' },
    },
  });
  const redisFault = values['redis-fault'];
  if (redisFault !== 'failover' && redisFault !== 'kill-primary')
    throw new Error(`--redis-fault is failover or kill-primary, got ${redisFault}`);
  const num = (name: keyof typeof DEFAULTS): number => {
    const raw = (values as Record<string, string | undefined>)[name];
    const v = raw === undefined ? DEFAULTS[name] : Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0, got ${raw}`);
    return v;
  };
  return {
    users: Math.max(1, Math.round(num('users'))),
    intervalS: num('interval-s'),
    movePct: num('move-pct'),
    probePct: num('probe-pct'),
    callsPerSec: num('calls-per-sec'),
    baselineS: num('baseline-s'),
    faultGapS: num('fault-gap-s'),
    restoreAfterS: num('restore-after-s'),
    postgresDownS: num('postgres-down-s'),
    leaseMs: Math.round(num('lease-ms')),
    redisFault,
    ...(process.env.CHAOS_LOG_DIR ? { logDir: process.env.CHAOS_LOG_DIR } : {}),
    log: (msg) => process.stderr.write(`[chaos] ${msg}\n`),
  };
}

const options = readOptions();
const started = performance.now();
const result = await runChaos(options);
const line = { ...result, totalS: Math.round((performance.now() - started) / 1000) };
process.stdout.write(`${JSON.stringify(line)}\n`);
process.exit(chaosPassed(result) ? 0 : 1);

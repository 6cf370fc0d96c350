// npm run bench:import — bulk onboarding through the API. Starts admin as a child process on a private
// schema (real Postgres and NATS, outbox relay running), then over HTTP imports BENCH_IMPORT_DEVICES
// users (users.csv), one specific destination each (destinations.csv) and one device each
// (devices.csv): each file as a dry run, then for real; then the devices file again (every row
// unchanged). Baseline, same run: the same device rows written by one bare multi-row INSERT (unnest)
// into a scratch table, no validation, audit or outbox. Prints as its LAST line one JSON object:
// devices, seconds (real devices import), dryRunSeconds, reimportSeconds, usersSeconds,
// destinationsSeconds, outboxDrainSeconds (after the devices import, until the relay has published
// every event to NATS), baselineInsertSeconds, and the import counts.
// Env: BENCH_IMPORT_DEVICES (10000), DATABASE_URL, NATS_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type BenchAdmin, cleanUp, DATABASE_URL, signIn, startAdmin } from './bench-support.js';

const DEVICES = Number(process.env.BENCH_IMPORT_DEVICES ?? 10_000);

const schema = `bench_import_${randomBytes(4).toString('hex')}`;
const prefix = `b_${randomBytes(4).toString('hex')}`;
const log = (msg: string) => process.stderr.write(`[bench-import] ${msg}\n`);

interface Report {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problemCount: number;
}

const ext = (i: number) => String(100_000 + i);
const files = {
  users: `extension,displayName\n${range()
    .map((i) => `${ext(i)},User ${i}`)
    .join('\n')}\n`,
  destinations: `name,dial\n${range()
    .map((i) => `${ext(i)}-Mobile,+49170${String(i).padStart(7, '0')}`)
    .join('\n')}\n`,
  devices: `deviceId,extension,label,enabled,allowCreateTargets\n${range()
    .map((i) => `${deviceId(i)},${ext(i)},Phone of ${i},true,${i % 10 === 0}`)
    .join('\n')}\n`,
};

function range(): number[] {
  return Array.from({ length: DEVICES }, (_, i) => i);
}

function deviceId(i: number): string {
  return `BENCH${String(i).padStart(15, '0')}`;
}

async function timedImport(
  url: string,
  token: string,
  kind: keyof typeof files,
  dryRun: boolean,
): Promise<{ seconds: number; report: Report }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/import/${kind}${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: files[kind],
  });
  const body = (await res.json()) as Report & { error?: unknown };
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 200)
    throw new Error(`import ${kind} (dryRun ${dryRun}) -> ${res.status} ${JSON.stringify(body)}`);
  log(`${kind}${dryRun ? ' dry run' : ''}: ${seconds.toFixed(2)} s ${JSON.stringify(body)}`);
  return { seconds, report: body };
}

async function baselineInsert(pool: pg.Pool): Promise<number> {
  await pool.query(
    `CREATE TABLE scratch_devices (device_id text PRIMARY KEY, extension text NOT NULL, label text NOT NULL,
       enabled boolean NOT NULL, allow_create_targets boolean NOT NULL)`,
  );
  const ids = range();
  const t0 = performance.now();
  await pool.query(
    `INSERT INTO scratch_devices SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::boolean[])`,
    [
      ids.map(deviceId),
      ids.map(ext),
      ids.map((i) => `Phone of ${i}`),
      ids.map(() => true),
      ids.map((i) => i % 10 === 0),
    ],
  );
  return (performance.now() - t0) / 1000;
}

async function drainSeconds(pool: pg.Pool, since: number): Promise<number> {
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    );
    if (rows[0]!.n === 0) return (performance.now() - since) / 1000;
    if (performance.now() - since > 600_000)
      throw new Error(`outbox still has ${rows[0]!.n} events after 600 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  let admin: BenchAdmin | null = null;
  try {
    admin = await startAdmin(schema, prefix); // applies the migrations
    const baseline = await baselineInsert(pool);
    log(`baseline: ${DEVICES} rows by one multi-row INSERT in ${baseline.toFixed(3)} s`);
    const token = await signIn(admin.url);
    const round = (s: number) => Math.round(s * 1000) / 1000;

    await timedImport(admin.url, token, 'users', true);
    const users = await timedImport(admin.url, token, 'users', false);
    await timedImport(admin.url, token, 'destinations', true);
    const destinations = await timedImport(admin.url, token, 'destinations', false);
    // the devices import starts with the relay idle, as it would on a quiet system
    await drainSeconds(pool, performance.now());
    const dryRun = await timedImport(admin.url, token, 'devices', true);
    const real = await timedImport(admin.url, token, 'devices', false);
    const drain = await drainSeconds(pool, performance.now() - real.seconds * 1000);
    const again = await timedImport(admin.url, token, 'devices', false);
    const { rows } = await pool.query<{ devices: number; audit: number }>(
      `SELECT (SELECT count(*)::int FROM devices) AS devices,
              (SELECT count(*)::int FROM audit_log WHERE entity = 'device') AS audit`,
    );
    log(`stored devices ${rows[0]!.devices}, device audit rows ${rows[0]!.audit}`);
    if (
      real.report.created !== DEVICES ||
      again.report.unchanged !== DEVICES ||
      rows[0]!.devices !== DEVICES
    ) {
      throw new Error('the import did not create every device, or the re-import changed something');
    }
    process.stdout.write(
      `${JSON.stringify({
        devices: DEVICES,
        seconds: round(real.seconds),
        dryRunSeconds: round(dryRun.seconds),
        reimportSeconds: round(again.seconds),
        usersSeconds: round(users.seconds),
        destinationsSeconds: round(destinations.seconds),
        outboxDrainSeconds: round(drain),
        baselineInsertSeconds: round(baseline),
        created: real.report.created,
        reimportUnchanged: again.report.unchanged,
      })}\n`,
    );
  } finally {
    await cleanUp(admin, pool, schema, prefix);
  }
}

await main();

// npm run bench:admin — loads 100k devices into a private schema, starts admin as a child process,
// drives it over HTTP with autocannon (concurrent authenticated clients) and prints, as its LAST line,
// one JSON object: listRps/listP99Ms (first page of the device list filtered by extension prefix, at
// BENCH_LIST_RATE req/s), listMaxRps (unthrottled), updateRps/updateP99Ms (PATCH incl. audit row and
// outbox event) and baselineRps/baselineP99Ms (GET /api/v1/health = one `SELECT 1` over HTTP).
// Before measuring, every device reports once (router's DeviceReported, as router publishes it), so
// the list shows each device's last seen/online from a full in-memory map, and the presence history
// those reports start is written; adminRssMb is admin's resident memory after that.
// Env: BENCH_DEVICES (100000), BENCH_DURATION_S (10), BENCH_CONNECTIONS (10), BENCH_LIST_RATE (1000),
// DATABASE_URL, NATS_URL.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { type BenchAdmin, cleanUp, DATABASE_URL, NATS_URL, signIn, startAdmin } from './bench-support.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LIST_RATE = Number(process.env.BENCH_LIST_RATE ?? 1000);
const EXTENSIONS = 1000;

const schema = `bench_admin_${randomBytes(4).toString('hex')}`;
const prefix = `b_${randomBytes(4).toString('hex')}`;
const log = (msg: string) => process.stderr.write(`[bench-admin] ${msg}\n`);

async function load(pool: pg.Pool): Promise<void> {
  const t0 = Date.now();
  await pool.query(
    `INSERT INTO extensions (extension) SELECT (2000 + g)::text FROM generate_series(0, $1 - 1) g ON CONFLICT DO NOTHING`,
    [EXTENSIONS],
  );
  await pool.query(
    `INSERT INTO devices (device_id, extension, label)
     SELECT 'BENCH' || lpad(g::text, 15, '0'), (2000 + g % $2)::text, 'bench' FROM generate_series(0, $1 - 1) g`,
    [DEVICES, EXTENSIONS],
  );
  await pool.query('ANALYZE devices');
  log(`loaded ${DEVICES} devices in ${Date.now() - t0} ms`);
}

/** One DeviceReported per device, as router sends after applying a report; waits until admin has the last. */
async function reportAll(url: string, headers: Record<string, string>): Promise<void> {
  const t0 = Date.now();
  const { connectNats, createLogger } = await import('@sa/platform');
  const { busNames, encodeMessage, v1 } = await import('@sa/proto');
  const c = await connectNats(NATS_URL, 'bench-router', createLogger('bench', 'silent'));
  const names = busNames(prefix);
  const now = Date.now();
  let last = '';
  for (let g = 0; g < DEVICES; g++) {
    last = `BENCH${String(g).padStart(15, '0')}`;
    const extension = String(2000 + (g % EXTENSIONS));
    const message = v1.DeviceReported.create({
      deviceId: last,
      extension,
      counter: 1,
      reportedAtMs: now,
      connected: { ssid: 'Corp', bssid: 'aa:bb:cc:00:00:01', rssiDbm: -50 },
      locationName: 'Office',
      scenarioId: 'desk',
      scenarioName: 'Desk',
      targetDial: extension,
      targetName: 'SMART-Desk',
      reason: `device ${last} connected to BSSID aa:bb:cc:00:00:01 = location Office, rule 1 of scenario "Desk"`,
      version: 1,
      decidedAtMs: now,
      presenceTimeoutMs: 3_600_000,
    });
    c.nc.publish(
      names.deviceReported(extension),
      encodeMessage(v1.DeviceReported, message, 'DeviceReported'),
    );
    if (g % 5000 === 4999) await c.nc.flush();
  }
  await c.nc.flush();
  await c.close();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const r = await fetch(`${url}/api/v1/devices/${last}`, { headers });
    const presence = ((await r.json()) as { presence?: string }).presence;
    if (presence === undefined) {
      log('this admin has no last seen: device reports ignored');
      return;
    }
    if (presence === 'online') {
      log(`${DEVICES} device reports in admin in ${Date.now() - t0} ms`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log('admin did not show the last device report within 60 s');
}

/**
 * Admin records each device's first place in presence history (docs/privacy.md): 100k rows written
 * in batches after the reports. Measuring while that runs measured the history, not the routes.
 */
async function historySettled(pool: pg.Pool): Promise<void> {
  const t0 = Date.now();
  let previous = -1;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM presence_history');
    const n = Number(rows[0]?.n ?? 0);
    if (n === previous) {
      log(`presence history settled at ${n} rows after ${Date.now() - t0} ms`);
      return;
    }
    previous = n;
    await new Promise((r) => setTimeout(r, 1000));
  }
  log('presence history still growing after 120 s');
}

function rssMb(pid: number | undefined): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const summary = (r: autocannon.Result) => ({
  rps: Math.round(r.requests.average),
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
});

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  let admin: BenchAdmin | null = null;
  try {
    admin = await startAdmin(schema, prefix, { ADMIN_LOGIN_RATE_MAX: '1000', ADMIN_PG_POOL_MAX: '10' }); // applies the migrations
    await load(pool);
    const token = await signIn(admin.url);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const base = { connections: CONNECTIONS, duration: DURATION, headers };
    await reportAll(admin.url, headers);
    await historySettled(pool);
    const adminRssMb = rssMb(admin.child.pid);
    log(`admin resident memory ${adminRssMb} MB`);

    const baseline = summary(await run({ ...base, url: `${admin.url}/api/v1/health` }));
    log(`baseline ${JSON.stringify(baseline)}`);
    const listUrl = `${admin.url}/api/v1/devices?extension=25&limit=50`;
    const listMax = summary(await run({ ...base, url: listUrl }));
    log(`list (unthrottled) ${JSON.stringify(listMax)}`);
    const list = summary(await run({ ...base, url: listUrl, overallRate: LIST_RATE }));
    log(`list at ${LIST_RATE}/s ${JSON.stringify(list)}`);
    let n = 0;
    const update = summary(
      await run({
        ...base,
        url: admin.url,
        requests: [
          {
            method: 'PATCH',
            setupRequest: (req) => {
              n++;
              const id = `BENCH${String((n * 7919) % DEVICES).padStart(15, '0')}`;
              return { ...req, path: `/api/v1/devices/${id}`, body: JSON.stringify({ label: `bench ${n}` }) };
            },
          },
        ],
      }),
    );
    log(`update ${JSON.stringify(update)}`);
    const { rows } = await pool.query<{ audit: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM audit_log WHERE entity = 'device') AS audit, (SELECT count(*)::int FROM outbox) AS outbox`,
    );
    log(`audit rows ${rows[0]!.audit}, outbox rows ${rows[0]!.outbox}`);
    process.stdout.write(
      `${JSON.stringify({
        devices: DEVICES,
        durationS: DURATION,
        connections: CONNECTIONS,
        listRps: list.rps,
        listP99Ms: list.p99,
        listTargetRate: LIST_RATE,
        listMaxRps: listMax.rps,
        listMaxP99Ms: listMax.p99,
        updateRps: update.rps,
        updateP99Ms: update.p99,
        baselineRps: baseline.rps,
        baselineP99Ms: baseline.p99,
        adminRssMb,
        errors: baseline.errors + listMax.errors + list.errors + update.errors,
        non2xx: baseline.non2xx + listMax.non2xx + list.non2xx + update.non2xx,
      })}\n`,
    );
  } finally {
    await cleanUp(admin, pool, schema, prefix);
  }
}

await main();

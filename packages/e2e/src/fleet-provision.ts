// Registers a fleet (fleet.ts) through admin's API, as an installer would: two locations and the
// shared conference-room destination one by one, then users, their desk and mobile destinations and
// the devices by bulk CSV import (each new device is enrolled with its own key; the import's answer
// holds every enrolment payload), then every user's scenarios, also by CSV import (destinations and
// locations by name). Behind the API it only reads the outbox, to know when every change has reached
// NATS. Used by the fleet bench and the chaos test.
import { parseEnrolment } from '@sa/phone-protocol';
import pg from 'pg';
import { adminApi, sessionToken } from './admin-api.js';
import { CONFERENCE_DIAL, deviceIdOf, extensionOf, type FleetPhone, mobileDialOf, PLACES } from './fleet.js';
import { ADMIN_PASSWORD } from './stack.js';

/** rows per CSV import (admin takes at most 50,000) */
const CHUNK_ROWS = 50_000;

interface ImportReport {
  created: number;
  enrolments?: { deviceId: string; keyId: number; payload: string }[];
}

/** Where the fleet is registered: admin's HTTP base URL, and its database and schema (read only). */
export interface FleetAdmin {
  readonly adminUrl: string;
  readonly databaseUrl: string;
  readonly schema: string;
}

export interface ProvisionedFleet {
  readonly phones: FleetPhone[];
  /** seconds per step */
  readonly timings: Record<string, number>;
}

type Timed = <T>(step: string, work: () => Promise<T>) => Promise<T>;

function timer(timings: Record<string, number>, log: (msg: string) => void): Timed {
  return async (step, work) => {
    const t0 = performance.now();
    const out = await work();
    timings[step] = Math.round(performance.now() - t0) / 1000;
    log(`${step}: ${timings[step]} s`);
    return out;
  };
}

/** POST /import/<kind> in chunks of CHUNK_ROWS rows; the reports in order. */
async function csvImport(
  base: string,
  token: string,
  kind: string,
  header: string,
  rows: string[],
  chunkRows = CHUNK_ROWS,
): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  for (let k = 0; k < rows.length; k += chunkRows) {
    const res = await fetch(`${base}/api/v1/import/${kind}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: `${header}\n${rows.slice(k, k + chunkRows).join('\n')}\n`,
    });
    const body = (await res.json()) as ImportReport;
    if (res.status !== 200) throw new Error(`import ${kind} -> ${res.status}: ${JSON.stringify(body)}`);
    reports.push(body);
  }
  return reports;
}

/** The phones in fleet order, from the devices import's enrolment payloads. */
function phonesFrom(reports: ImportReport[], count: number): FleetPhone[] {
  const byDevice = new Map<string, FleetPhone>();
  for (const r of reports) {
    for (const e of r.enrolments ?? []) {
      const enrolment = parseEnrolment(e.payload);
      byDevice.set(e.deviceId, { deviceId: e.deviceId, keyId: enrolment.keyId, secret: enrolment.secret });
    }
  }
  return Array.from({ length: count }, (_, i) => {
    const phone = byDevice.get(deviceIdOf(i));
    if (!phone) throw new Error(`the devices import gave no enrolment for ${deviceIdOf(i)}`);
    return phone;
  });
}

/** Users, their desk and mobile destinations, and one enrolled device each, by CSV import. */
async function importFleet(base: string, token: string, count: number, timed: Timed): Promise<FleetPhone[]> {
  const indices = Array.from({ length: count }, (_, i) => i);
  await timed('usersImport', () =>
    csvImport(
      base,
      token,
      'users',
      'extension,displayName',
      indices.map((i) => `${extensionOf(i)},Fleet user ${i}`),
    ),
  );
  await timed('destinationsImport', () =>
    csvImport(
      base,
      token,
      'destinations',
      'name,dial',
      indices.flatMap((i) => [
        `${extensionOf(i)}-Desk,${extensionOf(i)}`,
        `${extensionOf(i)}-Mobile,${mobileDialOf(i)}`,
      ]),
    ),
  );
  return timed('devicesImport', async () => {
    const reports = await csvImport(
      base,
      token,
      'devices',
      'deviceId,extension,label,enabled',
      indices.map((i) => `${deviceIdOf(i)},${extensionOf(i)},Fleet phone ${i},true`),
    );
    return phonesFrom(reports, count);
  });
}

/** Each user's three scenarios: Office -> desk, Conference -> the shared room, default -> mobile. */
async function importScenarios(base: string, token: string, count: number, room: string): Promise<void> {
  const users = Array.from({ length: count }, (_, i) => {
    const ext = extensionOf(i);
    return [
      `${ext},At my desk,${ext}-Desk,${PLACES[0].name},false`,
      `${ext},In a meeting,${room},${PLACES[1].name},false`,
      `${ext},Away,${ext}-Mobile,,true`,
    ];
  });
  // a user's rows always in the same file
  const perUser = users[0]?.length ?? 1;
  const perFile = Math.floor(CHUNK_ROWS / perUser) * perUser;
  const header = 'extension,name,destination,location,isDefault';
  await csvImport(base, token, 'scenarios', header, users.flat(), perFile);
}

export async function provisionFleet(
  target: FleetAdmin,
  count: number,
  log: (msg: string) => void,
): Promise<ProvisionedFleet> {
  const timings: Record<string, number> = {};
  const timed = timer(timings, log);
  const token = await sessionToken(target.adminUrl, 'admin', ADMIN_PASSWORD);
  const admin = adminApi(target.adminUrl, token);
  await timed('locations', async () => {
    for (const p of PLACES) {
      await admin.request('POST', '/locations', { name: p.name, ssids: [p.ssid], bssids: p.bssids });
    }
  });
  const room = await admin.request<{ name: string }>('POST', '/destinations', {
    name: 'SMART-Conference',
    dial: CONFERENCE_DIAL,
  });
  const phones = await importFleet(target.adminUrl, token, count, timed);
  await timed('scenariosImport', () => importScenarios(target.adminUrl, token, count, room.name));
  const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 1 });
  try {
    await timed('outboxDrain', () => outboxDrained(pool, target.schema));
  } finally {
    await pool.end();
  }
  return { phones, timings };
}

/** Resolves once admin's relay has published every outbox event to NATS. */
async function outboxDrained(pool: pg.Pool, schema: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL`,
    );
    if (rows[0]!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`admin's outbox still holds ${rows[0]!.n} events`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

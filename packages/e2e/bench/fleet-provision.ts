// Registers the fleet through admin's API, as an installer would: two locations and the shared
// conference-room destination one by one, then users, their desk and mobile destinations and the
// devices by bulk CSV import (each new device is enrolled with its own key; the import's answer holds
// every enrolment payload), then each user's scenarios (PUT /users/<ext>/scenarios, several at once).
// Behind the API, the bench only reads the new destinations' ids (one SELECT; the list API pages by
// offset, which does not reach past a million rows) and the outbox, to know when every change has
// reached NATS.
import { parseEnrolment } from '@sa/phone-protocol';
import { testUrls } from '@sa/testkit';
import pg from 'pg';
import { ADMIN_PASSWORD, type Stack } from '../src/index.js';
import {
  CONFERENCE_DIAL,
  deviceIdOf,
  extensionOf,
  type FleetPhone,
  mobileDialOf,
  PLACES,
} from './fleet-model.js';
import { cpuMicros } from './process-cpu.js';

/** rows per CSV import (admin takes at most 50,000) */
const CHUNK_ROWS = 50_000;
const SCENARIO_PUTS_IN_FLIGHT = 8;

interface ImportReport {
  created: number;
  enrolments?: { deviceId: string; keyId: number; payload: string }[];
}

export interface ProvisionedFleet {
  readonly phones: FleetPhone[];
  /** seconds per step */
  readonly timings: Record<string, number>;
}

export async function provisionFleet(
  stack: Stack,
  count: number,
  log: (msg: string) => void,
): Promise<ProvisionedFleet> {
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await work();
    timings[step] = Math.round(performance.now() - t0) / 1000;
    log(`${step}: ${timings[step]} s`);
    return out;
  };
  const base = stack.services.admin.addresses.http!;
  const token = await signIn(base);
  const csvImport = async (kind: string, header: string, rows: string[]): Promise<ImportReport[]> => {
    const reports: ImportReport[] = [];
    for (let k = 0; k < rows.length; k += CHUNK_ROWS) {
      const res = await fetch(`${base}/api/v1/import/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `${header}\n${rows.slice(k, k + CHUNK_ROWS).join('\n')}\n`,
      });
      const body = (await res.json()) as ImportReport;
      if (res.status !== 200) throw new Error(`import ${kind} -> ${res.status}: ${JSON.stringify(body)}`);
      reports.push(body);
    }
    return reports;
  };
  const indices = Array.from({ length: count }, (_, i) => i);

  const locationIds = await timed('locations', async () => {
    const ids: string[] = [];
    for (const p of PLACES) {
      const loc = await stack.admin.request<{ id: string }>('POST', '/locations', {
        name: p.name,
        ssids: [p.ssid],
        bssids: p.bssids,
      });
      ids.push(loc.id);
    }
    return ids;
  });
  const room = await stack.admin.request<{ id: string }>('POST', '/destinations', {
    name: 'SMART-Conference',
    dial: CONFERENCE_DIAL,
  });
  await timed('usersImport', () =>
    csvImport(
      'users',
      'extension,displayName',
      indices.map((i) => `${extensionOf(i)},Fleet user ${i}`),
    ),
  );
  await timed('destinationsImport', () =>
    csvImport(
      'destinations',
      'name,dial',
      indices.flatMap((i) => [
        `${extensionOf(i)}-Desk,${extensionOf(i)}`,
        `${extensionOf(i)}-Mobile,${mobileDialOf(i)}`,
      ]),
    ),
  );
  const phones = await timed('devicesImport', async () => {
    const reports = await csvImport(
      'devices',
      'deviceId,extension,label,enabled',
      indices.map((i) => `${deviceIdOf(i)},${extensionOf(i)},Fleet phone ${i},true`),
    );
    const byDevice = new Map<string, FleetPhone>();
    for (const r of reports) {
      for (const e of r.enrolments ?? []) {
        const enrolment = parseEnrolment(e.payload);
        byDevice.set(e.deviceId, { deviceId: e.deviceId, keyId: enrolment.keyId, secret: enrolment.secret });
      }
    }
    return indices.map((i) => {
      const phone = byDevice.get(deviceIdOf(i));
      if (!phone) throw new Error(`the devices import gave no enrolment for ${deviceIdOf(i)}`);
      return phone;
    });
  });

  const pool = new pg.Pool({ connectionString: testUrls.postgres, max: 1 });
  try {
    const destinationIds = new Map<string, string>();
    const { rows } = await pool.query<{ id: string; name: string }>(
      `SELECT id, name FROM "${stack.prefix}".destinations WHERE scope = 'specific'`,
    );
    for (const r of rows) destinationIds.set(r.name, r.id);
    const idOf = (name: string) => {
      const id = destinationIds.get(name);
      if (!id) throw new Error(`destination ${name} was not imported`);
      return id;
    };
    const adminPid = stack.services.admin.child.pid!;
    const adminCpu0 = cpuMicros(adminPid);
    await timed('scenarioPuts', async () => {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < count; i = next++) {
          const ext = extensionOf(i);
          await stack.admin.request('PUT', `/users/${ext}/scenarios`, {
            scenarios: [
              {
                name: 'At my desk',
                destinationId: idOf(`${ext}-Desk`),
                rules: [{ kind: 'location', locationId: locationIds[0] }],
              },
              {
                name: 'In a meeting',
                destinationId: room.id,
                rules: [{ kind: 'location', locationId: locationIds[1] }],
              },
              { name: 'Away', destinationId: idOf(`${ext}-Mobile`), rules: [], isDefault: true },
            ],
          });
          if ((i + 1) % 1000 === 0) log(`scenarios of ${i + 1} users`);
        }
      };
      await Promise.all(Array.from({ length: SCENARIO_PUTS_IN_FLIGHT }, worker));
    });
    log(
      `scenarioPuts: admin CPU ${Math.round((cpuMicros(adminPid) - adminCpu0) / count / 100) / 10} ms per user`,
    );
    await timed('outboxDrain', () => outboxDrained(pool, stack.prefix));
  } finally {
    await pool.end();
  }
  return { phones, timings };
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`admin login -> ${res.status}`);
  return body.token;
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

// Bulk devices: plan a file's rows (and their Wi-Fi MACs) against the stored devices, and write the
// plan; new devices are created enrolled (bulk-repo then issues their keys).
import type { CsvRow } from '../../domain/bulk-csv.js';
import { normaliseMacList, splitMacCell } from '../../domain/wifi-mac.js';
import {
  auditOf,
  type Change,
  chunks,
  classify,
  emptyPlan,
  keysOf,
  knownExtensions,
  type Plan,
  pick,
} from './bulk-plan.js';
import type { AuditEntry, Tx } from './change-set.js';
import type { Sql } from './db.js';

export type DeviceValues = {
  deviceId: string;
  extension: string;
  label: string;
  enabled: boolean;
  allowCreateTargets: boolean;
  /** normalised, sorted, joined by one space (the export's form) */
  wifiMacs: string;
};

export interface DeviceDb {
  device_id: string;
  extension: string;
  label: string;
  enabled: boolean;
  allow_create_targets: boolean;
  wifi_macs: string[];
}

export const DEVICE_COLUMNS = `d.device_id, d.extension, d.label, d.enabled, d.allow_create_targets,
  ARRAY(SELECT m.mac FROM device_wifi_macs m WHERE m.device_id = d.device_id ORDER BY m.mac) AS wifi_macs`;

export const deviceValues = (r: DeviceDb): DeviceValues => ({
  deviceId: r.device_id,
  extension: r.extension,
  label: r.label,
  enabled: r.enabled,
  allowCreateTargets: r.allow_create_targets,
  wifiMacs: r.wifi_macs.join(' '),
});

/** A wifiMacs cell as stored (the cell was checked when the file was read). */
function macCell(cell: string): string {
  const r = normaliseMacList(splitMacCell(cell));
  return 'macs' in r ? r.macs.join(' ') : cell;
}

const macsIn = (values: DeviceValues): string[] => (values.wifiMacs ? values.wifiMacs.split(' ') : []);

export async function planDevices(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<DeviceValues>> {
  const { rows: stored } = await sql.query<DeviceDb>(
    `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE device_id = ANY($1::text[])`,
    [keysOf(rows, 'devices')],
  );
  const byId = new Map(stored.map((s) => [s.device_id, deviceValues(s)]));
  const known = await knownExtensions(
    sql,
    rows.map((r) => r.cells.extension as string),
  );
  const plan = emptyPlan<DeviceValues>();
  for (const { line, cells } of rows) {
    const before = byId.get(cells.deviceId as string) ?? null;
    if (before && before.extension !== cells.extension) {
      plan.problems.push({
        line,
        column: 'deviceId',
        message: `already registered to ${before.extension} (move it on the Devices page or with PATCH /devices/${before.deviceId})`,
      });
      continue;
    }
    const after: DeviceValues = {
      deviceId: cells.deviceId as string,
      extension: cells.extension as string,
      label: pick(cells.label, before?.label, ''),
      enabled: pick(cells.enabled, before?.enabled, true),
      allowCreateTargets: pick(cells.allowCreateTargets, before?.allowCreateTargets, false),
      wifiMacs: cells.wifiMacs === undefined ? (before?.wifiMacs ?? '') : macCell(cells.wifiMacs as string),
    };
    classify(
      line,
      before,
      after,
      plan,
      (a, b) =>
        a.label === b.label &&
        a.enabled === b.enabled &&
        a.allowCreateTargets === b.allowCreateTargets &&
        a.wifiMacs === b.wifiMacs,
    );
  }
  await planMacs(sql, plan);
  const newExtensions = new Set(plan.creates.map((c) => c.after.extension).filter((e) => !known.has(e)));
  plan.extensionsToCreate.push(...newExtensions);
  return plan;
}

/**
 * A MAC may name one device: one the file gives two devices is a problem on the later line, and so
 * is one stored on a device the file does not give it up from.
 */
export async function planMacs(sql: Sql, plan: Plan<DeviceValues>): Promise<void> {
  const changes = [...plan.creates, ...plan.updates];
  const wanted = changes.flatMap((c) => macsIn(c.after));
  if (wanted.length === 0) return;
  const { rows: stored } = await sql.query<{ mac: string; device_id: string }>(
    'SELECT mac, device_id FROM device_wifi_macs WHERE mac = ANY($1::text[])',
    [wanted],
  );
  const afterOf = new Map(changes.map((c) => [c.after.deviceId, c.after]));
  const ownerOf = new Map<string, { deviceId: string; line: number | null }>();
  for (const s of stored) {
    const moved = afterOf.get(s.device_id);
    // a device the file changes keeps only the MACs its row gives it
    if (!moved || macsIn(moved).includes(s.mac)) ownerOf.set(s.mac, { deviceId: s.device_id, line: null });
  }
  const refused = new Set<Change<DeviceValues>>();
  for (const c of [...changes].sort((a, b) => a.line - b.line)) {
    for (const mac of macsIn(c.after)) {
      const owner = ownerOf.get(mac);
      if (owner && owner.deviceId !== c.after.deviceId) {
        plan.problems.push({
          line: c.line,
          column: 'wifiMacs',
          message:
            owner.line === null
              ? `${mac} already belongs to device ${owner.deviceId}`
              : `${mac} is given to ${owner.deviceId} on line ${owner.line} too`,
        });
        refused.add(c);
      } else if (!owner) ownerOf.set(mac, { deviceId: c.after.deviceId, line: c.line });
    }
  }
  if (refused.size === 0) return;
  for (const list of [plan.creates, plan.updates]) {
    const kept = list.filter((c) => !refused.has(c));
    list.splice(0, list.length, ...kept);
  }
}

/** Writes the plan; returns the ids of the devices it created. */
export async function applyDevices(tx: Tx, plan: Plan<DeviceValues>): Promise<string[]> {
  for (const part of chunks(plan.extensionsToCreate)) {
    await tx.client.query('INSERT INTO extensions (extension) SELECT * FROM unnest($1::text[])', [part]);
  }
  for (const part of chunks(plan.creates)) {
    const v = part.map((c) => c.after);
    await tx.client.query(
      `INSERT INTO devices (device_id, extension, label, enabled, allow_create_targets, enrolled)
       SELECT *, true FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::boolean[])`,
      [
        v.map((d) => d.deviceId),
        v.map((d) => d.extension),
        v.map((d) => d.label),
        v.map((d) => d.enabled),
        v.map((d) => d.allowCreateTargets),
      ],
    );
  }
  for (const part of chunks(plan.updates)) {
    const v = part.map((c) => c.after);
    await tx.client.query(
      `UPDATE devices d SET label = u.label, enabled = u.enabled, allow_create_targets = u.act, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::boolean[], $4::boolean[]) AS u(device_id, label, enabled, act)
        WHERE d.device_id = u.device_id`,
      [
        v.map((d) => d.deviceId),
        v.map((d) => d.label),
        v.map((d) => d.enabled),
        v.map((d) => d.allowCreateTargets),
      ],
    );
  }
  await tx.auditMany([
    ...plan.extensionsToCreate.map(
      (extension): AuditEntry => ({
        action: 'create',
        entity: 'extension',
        entityId: extension,
        before: null,
        after: { extension },
      }),
    ),
    ...auditOf('device', plan, (v) => v.deviceId),
  ]);
  // as the single edits: a device event per changed device; a user event where the device list grew
  // (an import never moves a device, so an update leaves the user's config as it was)
  for (const c of plan.creates) {
    tx.deviceChanged(c.after.deviceId);
    tx.userChanged(c.after.extension);
  }
  for (const c of plan.updates) tx.deviceChanged(c.after.deviceId);
  // MACs last: every changed device drops the ones it no longer has before any gets new ones (a MAC
  // may move between two devices of the file)
  const macChanges = [...plan.creates, ...plan.updates].filter(
    (c) => (c.before?.wifiMacs ?? '') !== c.after.wifiMacs,
  );
  for (const part of chunks(macChanges)) {
    await tx.client.query('DELETE FROM device_wifi_macs WHERE device_id = ANY($1::text[])', [
      part.map((c) => c.after.deviceId),
    ]);
  }
  for (const part of chunks(macChanges)) {
    const pairs = part.flatMap((c) => macsIn(c.after).map((mac) => [c.after.deviceId, mac] as const));
    await tx.client.query(
      'INSERT INTO device_wifi_macs (device_id, mac) SELECT * FROM unnest($1::text[], $2::text[])',
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }
  return plan.creates.map((c) => c.after.deviceId);
}

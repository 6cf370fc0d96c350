// Bulk import and export of users (extensions), devices and destinations. An import first plans:
// each row is created, updated (a stored value differs) or unchanged, or is a problem the database
// reveals (a device registered to another extension, a destination for an unknown extension). A dry
// run stops there. A real import re-plans inside one transaction with the tables locked and writes
// only when no row has a problem: one multi-row statement per 5,000 rows, an audit row per changed
// entity plus one for the import, and the outbox events the single edits emit (through ChangeRunner).
import type { Pool } from '@sa/platform';
import {
  type BulkKind,
  type Cell,
  type CsvProblem,
  type CsvRow,
  clip,
  KEY_COLUMN,
} from '../../domain/bulk-csv.js';
import { isNameProblem, parseDestinationName } from '../../domain/naming.js';
import { normaliseMacList, splitMacCell } from '../../domain/wifi-mac.js';
import type { AuditEntry, ChangeRunner, Tx } from './change-set.js';
import type { Sql } from './db.js';
import { type DestinationView, destinationView } from './destinations-repo.js';
import type { DeviceKeysRepo, IssuedKey } from './device-keys-repo.js';
import type { DestinationRow } from './snapshots.js';

const CHUNK = 5000;

export interface ImportCounts {
  /** Data rows read from the file. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Devices only: extensions the import creates for new devices (as POST /devices does). */
  extensionsCreated?: number;
}

export interface ImportOutcome extends ImportCounts {
  problems: CsvProblem[];
  /** devices the import created, each enrolled with a new own key: their secrets, shown this once */
  enrolments?: IssuedKey[];
}

type Values = Readonly<Record<string, Cell>>;

interface Change<T> {
  readonly line: number;
  readonly before: T | null;
  readonly after: T;
}

interface Plan<T> {
  readonly creates: Change<T>[];
  readonly updates: Change<T>[];
  readonly unchanged: number;
  readonly problems: CsvProblem[];
  readonly extensionsToCreate: string[];
}

type UserValues = {
  extension: string;
  displayName: string;
};
type DeviceValues = {
  deviceId: string;
  extension: string;
  label: string;
  enabled: boolean;
  allowCreateTargets: boolean;
  /** normalised, sorted, joined by one space (the export's form) */
  wifiMacs: string;
};
interface DestinationValues {
  name: string;
  dial: string;
  scope: 'generic' | 'specific';
  extension: string | null;
  /** the stored row (before values only) */
  row?: DestinationDbRow;
}

type DestinationDbRow = DestinationRow & { created_at: Date; updated_at: Date };
const DESTINATION_COLUMNS = 'id, name, dial, scope, extension, created_by, created_at, updated_at';

/** Thrown inside the transaction so that it rolls back; carries the report out. */
class ImportRefused extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super('import refused');
  }
}

export class BulkRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly deviceKeys: DeviceKeysRepo,
  ) {}

  /** Every row of a kind in export order (users by extension, devices by extension then id, destinations by name). */
  async exportRows(kind: BulkKind): Promise<Values[]> {
    if (kind === 'users') {
      const { rows } = await this.pool.query<{ extension: string; display_name: string }>(
        'SELECT extension, display_name FROM extensions ORDER BY extension',
      );
      return rows.map((r) => ({ extension: r.extension, displayName: r.display_name }));
    }
    if (kind === 'devices') {
      const { rows } = await this.pool.query<DeviceDb>(
        `SELECT ${DEVICE_COLUMNS} FROM devices d ORDER BY extension, device_id`,
      );
      return rows.map(deviceValues);
    }
    const { rows } = await this.pool.query<{ name: string; dial: string }>(
      'SELECT name, dial FROM destinations ORDER BY name',
    );
    return rows.map((r) => ({ name: r.name, dial: r.dial }));
  }

  /**
   * Checks (dryRun) or applies a file's rows. `earlier` are the problems found reading the file: with
   * any of them, or any found here, nothing is written and every problem is reported.
   */
  async import(
    actor: string,
    kind: BulkKind,
    rows: readonly CsvRow[],
    earlier: readonly CsvProblem[],
    rowCount: number,
    dryRun: boolean,
  ): Promise<ImportOutcome> {
    if (dryRun || earlier.length > 0) {
      return outcome(await this.plan(this.pool, kind, rows), earlier, rowCount);
    }
    try {
      return await this.changes.run(actor, async (tx) => {
        await lockTables(tx, kind);
        const plan = await this.plan(tx.client, kind, rows);
        const result = outcome(plan, earlier, rowCount);
        if (result.problems.length > 0) throw new ImportRefused(result);
        if (kind === 'users') await applyUsers(tx, plan as Plan<UserValues>);
        else if (kind === 'devices') {
          const created = await applyDevices(tx, plan as Plan<DeviceValues>);
          // new devices are enrolled, as when registered one by one
          result.enrolments = await this.deviceKeys.issueIn(tx, created, 0);
        } else await applyDestinations(tx, plan as Plan<DestinationValues>);
        const { problems: _none, enrolments: _secrets, ...counts } = result;
        if (plan.creates.length + plan.updates.length > 0) {
          await tx.audit('import', 'bulk_import', kind, null, { kind, ...counts });
        }
        return result;
      });
    } catch (err) {
      if (err instanceof ImportRefused) return err.outcome;
      throw err;
    }
  }

  private plan(sql: Sql, kind: BulkKind, rows: readonly CsvRow[]): Promise<Plan<unknown>> {
    if (kind === 'users') return planUsers(sql, rows);
    if (kind === 'devices') return planDevices(sql, rows);
    return planDestinations(sql, rows);
  }
}

function outcome(plan: Plan<unknown>, earlier: readonly CsvProblem[], rowCount: number): ImportOutcome {
  const problems = [...earlier, ...plan.problems].sort((a, b) => a.line - b.line);
  return {
    rows: rowCount,
    created: plan.creates.length,
    updated: plan.updates.length,
    unchanged: plan.unchanged,
    ...(plan.extensionsToCreate.length > 0 ? { extensionsCreated: plan.extensionsToCreate.length } : {}),
    problems,
  };
}

/** Writers wait (readers do not) while an import checks and writes, so what it checked stays true. */
async function lockTables(tx: Tx, kind: BulkKind): Promise<void> {
  if (kind === 'destinations') {
    await tx.client.query('LOCK TABLE extensions IN SHARE MODE');
    await tx.client.query('LOCK TABLE destinations IN EXCLUSIVE MODE');
  } else {
    await tx.client.query('LOCK TABLE extensions IN EXCLUSIVE MODE');
    if (kind === 'devices') {
      await tx.client.query('LOCK TABLE devices IN EXCLUSIVE MODE');
      await tx.client.query('LOCK TABLE device_wifi_macs IN EXCLUSIVE MODE');
    }
  }
}

function classify<T extends object>(
  line: number,
  before: T | null,
  after: T,
  plan: Plan<T>,
  same: (a: T, b: T) => boolean,
): Plan<T> {
  if (!before) plan.creates.push({ line, before: null, after });
  else if (same(before, after)) (plan as { unchanged: number }).unchanged++;
  else plan.updates.push({ line, before, after });
  return plan;
}

const emptyPlan = <T>(): Plan<T> => ({
  creates: [],
  updates: [],
  unchanged: 0,
  problems: [],
  extensionsToCreate: [],
});

const keysOf = (rows: readonly CsvRow[], kind: BulkKind): string[] =>
  rows.map((r) => r.cells[KEY_COLUMN[kind]] as string);

// ---- users (extensions) ----

async function planUsers(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<UserValues>> {
  const { rows: stored } = await sql.query<{ extension: string; display_name: string }>(
    'SELECT extension, display_name FROM extensions WHERE extension = ANY($1::text[])',
    [keysOf(rows, 'users')],
  );
  const byExt = new Map(
    stored.map((s) => [s.extension, { extension: s.extension, displayName: s.display_name }]),
  );
  const plan = emptyPlan<UserValues>();
  for (const { line, cells } of rows) {
    const before = byExt.get(cells.extension as string) ?? null;
    const after: UserValues = {
      extension: cells.extension as string,
      displayName: (cells.displayName as string | undefined) ?? before?.displayName ?? '',
    };
    classify(line, before, after, plan, (a, b) => a.displayName === b.displayName);
  }
  return plan;
}

async function applyUsers(tx: Tx, plan: Plan<UserValues>): Promise<void> {
  for (const part of chunks(plan.creates)) {
    await tx.client.query(
      'INSERT INTO extensions (extension, display_name) SELECT * FROM unnest($1::text[], $2::text[])',
      [part.map((c) => c.after.extension), part.map((c) => c.after.displayName)],
    );
  }
  for (const part of chunks(plan.updates)) {
    await tx.client.query(
      `UPDATE extensions e SET display_name = u.display_name
         FROM unnest($1::text[], $2::text[]) AS u(extension, display_name) WHERE e.extension = u.extension`,
      [part.map((c) => c.after.extension), part.map((c) => c.after.displayName)],
    );
  }
  await tx.auditMany(auditOf('extension', plan, (v) => v.extension));
  // a new extension is a new (empty) user config; a display name is not part of it
  for (const c of plan.creates) tx.userChanged(c.after.extension);
}

// ---- devices ----

interface DeviceDb {
  device_id: string;
  extension: string;
  label: string;
  enabled: boolean;
  allow_create_targets: boolean;
  wifi_macs: string[];
}

const DEVICE_COLUMNS = `d.device_id, d.extension, d.label, d.enabled, d.allow_create_targets,
  ARRAY(SELECT m.mac FROM device_wifi_macs m WHERE m.device_id = d.device_id ORDER BY m.mac) AS wifi_macs`;

const deviceValues = (r: DeviceDb): DeviceValues => ({
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

async function planDevices(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<DeviceValues>> {
  const { rows: stored } = await sql.query<DeviceDb>(
    `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE device_id = ANY($1::text[])`,
    [keysOf(rows, 'devices')],
  );
  const byId = new Map(stored.map((s) => [s.device_id, deviceValues(s)]));
  const wanted = [...new Set(rows.map((r) => r.cells.extension as string))];
  const { rows: known } = await sql.query<{ extension: string }>(
    'SELECT extension FROM extensions WHERE extension = ANY($1::text[])',
    [wanted],
  );
  const knownExtensions = new Set(known.map((k) => k.extension));
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
  const newExtensions = new Set(
    plan.creates.map((c) => c.after.extension).filter((e) => !knownExtensions.has(e)),
  );
  plan.extensionsToCreate.push(...newExtensions);
  return plan;
}

/**
 * A MAC may name one device: one the file gives two devices is a problem on the later line, and so
 * is one stored on a device the file does not give it up from.
 */
async function planMacs(sql: Sql, plan: Plan<DeviceValues>): Promise<void> {
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

/** The file's value; else the stored one (column left out); else the default (new row). */
function pick<T extends Cell>(cell: Cell | undefined, stored: T | undefined, fallback: T): T {
  if (cell !== undefined) return cell as T;
  return stored ?? fallback;
}

/** Writes the plan; returns the ids of the devices it created. */
async function applyDevices(tx: Tx, plan: Plan<DeviceValues>): Promise<string[]> {
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

// ---- destinations ----

async function planDestinations(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<DestinationValues>> {
  const plan = emptyPlan<DestinationValues>();
  const parsed: {
    line: number;
    name: string;
    dial: string;
    scope: 'generic' | 'specific';
    extension: string | null;
  }[] = [];
  for (const { line, cells } of rows) {
    const name = cells.name as string;
    const p = parseDestinationName(name);
    if (isNameProblem(p)) {
      plan.problems.push({ line, column: 'name', message: p.problem });
      continue;
    }
    parsed.push({ line, name, dial: cells.dial as string, scope: p.scope, extension: p.extension });
  }
  const wanted = [...new Set(parsed.flatMap((p) => (p.extension ? [p.extension] : [])))];
  const { rows: known } = await sql.query<{ extension: string }>(
    'SELECT extension FROM extensions WHERE extension = ANY($1::text[])',
    [wanted],
  );
  const knownExtensions = new Set(known.map((k) => k.extension));
  const { rows: stored } = await sql.query<DestinationDbRow>(
    `SELECT ${DESTINATION_COLUMNS} FROM destinations WHERE name = ANY($1::text[])`,
    [parsed.map((p) => p.name)],
  );
  const byName = new Map(stored.map((s) => [s.name, s]));
  for (const p of parsed) {
    if (p.extension !== null && !knownExtensions.has(p.extension)) {
      plan.problems.push({
        line: p.line,
        column: 'name',
        message: `extension ${clip(p.extension)} is not known (import it in the users file first)`,
      });
      continue;
    }
    const row = byName.get(p.name);
    const before: DestinationValues | null = row
      ? { name: row.name, dial: row.dial, scope: row.scope, extension: row.extension, row }
      : null;
    const after: DestinationValues = { name: p.name, dial: p.dial, scope: p.scope, extension: p.extension };
    classify(p.line, before, after, plan, (a, b) => a.dial === b.dial);
  }
  return plan;
}

async function applyDestinations(tx: Tx, plan: Plan<DestinationValues>): Promise<void> {
  const audit: AuditEntry[] = [];
  for (const part of chunks(plan.creates)) {
    const v = part.map((c) => c.after);
    const { rows } = await tx.client.query<DestinationDbRow>(
      `INSERT INTO destinations (name, dial, scope, extension, created_by)
       SELECT n, d, s, e, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(n, d, s, e)
       RETURNING ${DESTINATION_COLUMNS}`,
      [
        v.map((d) => d.name),
        v.map((d) => d.dial),
        v.map((d) => d.scope),
        v.map((d) => d.extension),
        tx.actor,
      ],
    );
    for (const row of rows) {
      audit.push({
        action: 'create',
        entity: 'destination',
        entityId: row.id,
        before: null,
        after: view(row),
      });
      tx.destinationChanged(row, false);
    }
  }
  const updatedIds: string[] = [];
  for (const part of chunks(plan.updates)) {
    const { rows } = await tx.client.query<DestinationDbRow>(
      `UPDATE destinations d SET dial = u.dial, updated_at = now()
         FROM unnest($1::text[], $2::text[]) AS u(name, dial) WHERE d.name = u.name
       RETURNING ${DESTINATION_COLUMNS.split(', ')
         .map((c) => `d.${c}`)
         .join(', ')}`,
      [part.map((c) => c.after.name), part.map((c) => c.after.dial)],
    );
    const beforeByName = new Map(part.map((c) => [c.after.name, c.before!.row!]));
    for (const row of rows) {
      audit.push({
        action: 'update',
        entity: 'destination',
        entityId: row.id,
        before: view(beforeByName.get(row.name)!),
        after: view(row),
      });
      tx.destinationChanged(row, false);
      updatedIds.push(row.id);
    }
  }
  await tx.auditMany(audit);
  // users whose scenarios route to a changed dial get a new config (it carries resolved targets)
  if (updatedIds.length > 0) {
    const { rows } = await tx.client.query<{ extension: string }>(
      'SELECT DISTINCT extension FROM scenarios WHERE destination_id = ANY($1::uuid[])',
      [updatedIds],
    );
    for (const r of rows) tx.userChanged(r.extension);
  }
}

const view = (row: DestinationDbRow): DestinationView => destinationView(row);

// ---- shared ----

/** Audit rows for a plan's creates and updates, with the values the import compares. */
function auditOf<T extends object>(entity: string, plan: Plan<T>, id: (v: T) => string): AuditEntry[] {
  const strip = (v: T) => {
    const { row: _row, ...rest } = v as T & { row?: unknown };
    return rest;
  };
  return [
    ...plan.creates.map((c) => ({
      action: 'create',
      entity,
      entityId: id(c.after),
      before: null,
      after: strip(c.after),
    })),
    ...plan.updates.map((c) => ({
      action: 'update',
      entity,
      entityId: id(c.after),
      before: strip(c.before!),
      after: strip(c.after),
    })),
  ];
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

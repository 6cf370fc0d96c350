// Bulk destinations: plan a file's rows against the stored destinations (names checked as the single
// edits check them), and write the plan.
import { type CsvRow, clip } from '../../domain/bulk-csv.js';
import { isNameProblem, parseDestinationName } from '../../domain/naming.js';
import { chunks, classify, emptyPlan, knownExtensions, type Plan } from './bulk-plan.js';
import type { AuditEntry, Tx } from './change-set.js';
import type { Sql } from './db.js';
import { type DestinationView, destinationView } from './destinations-repo.js';
import type { DestinationRow } from './snapshots.js';

export interface DestinationValues {
  name: string;
  dial: string;
  scope: 'generic' | 'specific';
  extension: string | null;
  /** the stored row (before values only) */
  row?: DestinationDbRow;
}

export type DestinationDbRow = DestinationRow & { created_at: Date; updated_at: Date };
export const DESTINATION_COLUMNS = 'id, name, dial, scope, extension, created_by, created_at, updated_at';

/** Thrown inside the transaction so that it rolls back; carries the report out. */

export async function planDestinations(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<DestinationValues>> {
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
  const known = await knownExtensions(
    sql,
    parsed.flatMap((p) => (p.extension ? [p.extension] : [])),
  );
  const { rows: stored } = await sql.query<DestinationDbRow>(
    `SELECT ${DESTINATION_COLUMNS} FROM destinations WHERE name = ANY($1::text[])`,
    [parsed.map((p) => p.name)],
  );
  const byName = new Map(stored.map((s) => [s.name, s]));
  for (const p of parsed) {
    if (p.extension !== null && !known.has(p.extension)) {
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

export async function applyDestinations(tx: Tx, plan: Plan<DestinationValues>): Promise<void> {
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

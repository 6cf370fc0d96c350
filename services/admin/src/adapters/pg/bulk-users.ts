// Bulk users (extensions): plan a file's rows against the stored extensions, and write the plan.

import type { CsvRow } from '../../domain/bulk-csv.js';
import { auditOf, chunks, classify, emptyPlan, keysOf, type Plan } from './bulk-plan.js';
import type { Tx } from './change-set.js';
import type { Sql } from './db.js';

export type UserValues = {
  extension: string;
  displayName: string;
};

export async function planUsers(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<UserValues>> {
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

export async function applyUsers(tx: Tx, plan: Plan<UserValues>): Promise<void> {
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

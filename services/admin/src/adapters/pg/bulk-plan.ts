// What the three bulk kinds share: a plan (each row created, updated or unchanged, or a problem),
// how a row is classified against the stored one, the audit rows of a plan, and the chunking of
// multi-row statements.
import { type BulkKind, type Cell, type CsvProblem, type CsvRow, KEY_COLUMN } from '../../domain/bulk-csv.js';
import type { AuditEntry } from './change-set.js';
import type { Sql } from './db.js';

/** Rows per multi-row statement. */
export const CHUNK = 5000;

export type Values = Readonly<Record<string, Cell>>;

export interface Change<T> {
  readonly line: number;
  readonly before: T | null;
  readonly after: T;
}

export interface Plan<T> {
  readonly creates: Change<T>[];
  readonly updates: Change<T>[];
  readonly unchanged: number;
  readonly problems: CsvProblem[];
  readonly extensionsToCreate: string[];
}

export function classify<T extends object>(
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

export const emptyPlan = <T>(): Plan<T> => ({
  creates: [],
  updates: [],
  unchanged: 0,
  problems: [],
  extensionsToCreate: [],
});

export const keysOf = (rows: readonly CsvRow[], kind: BulkKind): string[] =>
  rows.map((r) => r.cells[KEY_COLUMN[kind]] as string);

/** Audit rows for a plan's creates and updates, with the values the import compares. */
export function auditOf<T extends object>(entity: string, plan: Plan<T>, id: (v: T) => string): AuditEntry[] {
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

/** Which of these extensions are stored (the rows naming others are problems of the file). */
export async function knownExtensions(sql: Sql, extensions: Iterable<string>): Promise<Set<string>> {
  const { rows } = await sql.query<{ extension: string }>(
    'SELECT extension FROM extensions WHERE extension = ANY($1::text[])',
    [[...new Set(extensions)]],
  );
  return new Set(rows.map((r) => r.extension));
}

export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The file's value; else the stored one (column left out); else the default (new row). */
export function pick<T extends Cell>(cell: Cell | undefined, stored: T | undefined, fallback: T): T {
  if (cell !== undefined) return cell as T;
  return stored ?? fallback;
}

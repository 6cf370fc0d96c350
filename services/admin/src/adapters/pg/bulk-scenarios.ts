// Bulk scenarios: each extension named in the file gets exactly the file's scenarios, in file order
// (as PUT /users/:ext/scenarios does), with destination and location by name. A CSV row holds one
// location rule at most, so a user whose stored scenarios have other rules (time windows, explicit
// choice) is a problem, never silently simplified. A scenario keeps its id (and an explicit choice of
// it) when the file names it as before.
import { type CsvProblem, type CsvRow, clip } from '../../domain/bulk-csv.js';
import { auditOf, chunks, classify, emptyPlan, knownExtensions, type Plan } from './bulk-plan.js';
import type { Tx } from './change-set.js';
import type { Sql } from './db.js';
import { groupBy, type RuleJson } from './snapshots.js';

/** a user's scenarios as the file (or the export) holds them */
interface ScenarioSetValues {
  extension: string;
  scenarios: ScenarioCells[];
}

interface ScenarioCells {
  name: string;
  destination: string;
  location: string;
  isDefault: boolean;
  locked: boolean;
}

/** A user's rows as they will be written: the resolved ids, and the owner kept. */
interface Resolved {
  readonly id: string | null;
  readonly destinationId: string;
  readonly locationId: string | null;
  readonly owner: string;
}

/** `row`: what is written for each scenario (not audited: auditOf leaves `row` out) */
export type ScenarioValues = ScenarioSetValues & { row?: Resolved[] };

/** Most scenarios per user, as PUT /users/:ext/scenarios allows. */
const MAX_PER_USER = 50;

interface StoredScenario {
  id: string;
  extension: string;
  name: string;
  destination: string;
  location: string | null;
  rules: RuleJson[];
  is_default: boolean;
  locked: boolean;
  owner: string;
}

/** Every scenario of the given extensions (or all), in evaluation order, with names resolved. */
async function storedScenarios(sql: Sql, extensions: string[] | null): Promise<StoredScenario[]> {
  const { rows } = await sql.query<StoredScenario>(
    `SELECT s.id, s.extension, s.name, d.name AS destination, l.name AS location, s.rules,
            s.is_default, s.locked, s.owner
       FROM scenarios s
       JOIN destinations d ON d.id = s.destination_id
       LEFT JOIN locations l ON l.id::text = s.rules->0->>'locationId' AND s.rules->0->>'kind' = 'location'
      WHERE $1::text[] IS NULL OR s.extension = ANY($1::text[])
      ORDER BY s.extension, s.position`,
    [extensions],
  );
  return rows;
}

/** A stored scenario as a CSV row can hold it, or null (its rules need more than one location). */
function cellsOf(s: StoredScenario): ScenarioCells | null {
  const onlyLocation = s.rules.length === 0 || (s.rules.length === 1 && s.location !== null);
  if (!onlyLocation) return null;
  return {
    name: s.name,
    destination: s.destination,
    location: s.location ?? '',
    isDefault: s.is_default,
    locked: s.locked,
  };
}

/** The export: one row per scenario a CSV can hold (users whose rules it cannot are left out). */
export async function exportScenarios(sql: Sql): Promise<Record<string, string | boolean>[]> {
  const out: Record<string, string | boolean>[] = [];
  const byUser = groupBy(await storedScenarios(sql, null), (s) => s.extension);
  for (const [extension, list] of byUser) {
    const cells = list.map(cellsOf);
    if (cells.some((c) => c === null)) continue;
    for (const c of cells) out.push({ extension, ...c! });
  }
  return out;
}

export async function planScenarios(sql: Sql, rows: readonly CsvRow[]): Promise<Plan<ScenarioValues>> {
  const plan = emptyPlan<ScenarioValues>();
  const groups = groupRows(rows);
  const extensions = [...groups.keys()];
  const known = await knownExtensions(sql, extensions);
  const stored = groupBy(await storedScenarios(sql, extensions), (s) => s.extension);
  const names = await namesFor(sql, rows, extensions);
  for (const [extension, group] of groups) {
    const first = group[0]!.line;
    if (!known.has(extension)) {
      plan.problems.push({
        line: first,
        column: 'extension',
        message: `extension ${clip(extension)} is not known (import it in the users file first)`,
      });
      continue;
    }
    const before = stored.get(extension) ?? [];
    const beforeCells = before.map(cellsOf);
    const problems = groupProblems(extension, group, before, beforeCells);
    const resolved = group.map((r) => resolve(r, extension, before, names, problems));
    if (problems.length > 0) {
      plan.problems.push(...problems);
      continue;
    }
    const after: ScenarioValues = {
      extension,
      scenarios: group.map((r) => r.cells),
      row: resolved as Resolved[],
    };
    // no problem: every stored scenario fits a row
    const was: ScenarioValues | null =
      before.length > 0 ? { extension, scenarios: beforeCells as ScenarioCells[] } : null;
    classify(first, was, after, plan, sameScenarios);
  }
  return plan;
}

export async function applyScenarios(tx: Tx, plan: Plan<ScenarioValues>): Promise<void> {
  const changed = [...plan.creates, ...plan.updates].map((c) => c.after);
  for (const part of chunks(changed)) {
    await tx.client.query('DELETE FROM scenarios WHERE extension = ANY($1::text[])', [
      part.map((p) => p.extension),
    ]);
    const rows = part.flatMap((p) =>
      p.scenarios.map((s, position) => ({ p, s, position, r: p.row![position]! })),
    );
    await tx.client.query(
      `INSERT INTO scenarios (id, extension, name, position, rules, destination_id, is_default, locked, owner)
       SELECT COALESCE(i, gen_random_uuid()), e, n, pos, r, d, dflt, lck, o
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::jsonb[], $6::uuid[], $7::bool[],
                     $8::bool[], $9::text[]) AS u(i, e, n, pos, r, d, dflt, lck, o)`,
      [
        rows.map((x) => x.r.id),
        rows.map((x) => x.p.extension),
        rows.map((x) => x.s.name),
        rows.map((x) => x.position),
        rows.map((x) => JSON.stringify(rulesOf(x.r))),
        rows.map((x) => x.r.destinationId),
        rows.map((x) => x.s.isDefault),
        rows.map((x) => x.s.locked),
        rows.map((x) => x.r.owner),
      ],
    );
  }
  await tx.auditMany(auditOf('scenarios', plan, (v) => v.extension));
  for (const p of changed) tx.userChanged(p.extension);
}

type Row = { line: number; cells: ScenarioCells };

/** The file's rows by extension, each user's in file order. */
function groupRows(rows: readonly CsvRow[]): Map<string, Row[]> {
  const byExtension = groupBy(rows, (r) => r.cells.extension as string);
  return new Map(
    [...byExtension].map(([extension, group]) => [
      extension,
      group.map(({ line, cells }) => ({
        line,
        cells: {
          name: cells.name as string,
          destination: cells.destination as string,
          location: (cells.location as string | undefined) ?? '',
          isDefault: (cells.isDefault as boolean | undefined) ?? false,
          locked: (cells.locked as boolean | undefined) ?? false,
        },
      })),
    ]),
  );
}

function groupProblems(
  extension: string,
  group: Row[],
  before: StoredScenario[],
  beforeCells: (ScenarioCells | null)[],
): CsvProblem[] {
  const problems: CsvProblem[] = [];
  const ext = clip(extension);
  if (group.length > MAX_PER_USER) {
    problems.push({
      line: group[MAX_PER_USER]!.line,
      column: 'extension',
      message: `extension ${ext} has ${group.length} scenarios; a user has at most ${MAX_PER_USER}`,
    });
  }
  const defaults = group.filter((r) => r.cells.isDefault);
  if (defaults.length > 1) {
    problems.push({
      line: defaults[1]!.line,
      column: 'isDefault',
      message: `extension ${ext} has a second default scenario (first on line ${defaults[0]!.line})`,
    });
  }
  const complex = before[beforeCells.indexOf(null)];
  if (complex) {
    problems.push({
      line: group[0]!.line,
      column: 'extension',
      message: `extension ${ext}'s scenario "${clip(complex.name)}" has rules a CSV row cannot hold (time windows, an explicit choice, several locations): change this user's scenarios in the console or with PUT /users/${ext}/scenarios`,
    });
  }
  return problems;
}

interface Names {
  /** destination name -> id and whose it is (null: shared) */
  readonly destinations: Map<string, { id: string; extension: string | null }>;
  /** `<ext>\0<name>` of own places, `\0<name>` of shared locations -> id */
  readonly locations: Map<string, string>;
}

async function namesFor(sql: Sql, rows: readonly CsvRow[], extensions: string[]): Promise<Names> {
  const { rows: dest } = await sql.query<{
    id: string;
    name: string;
    scope: string;
    extension: string | null;
  }>('SELECT id, name, scope, extension FROM destinations WHERE name = ANY($1::text[])', [
    [...new Set(rows.map((r) => r.cells.destination as string))],
  ]);
  const { rows: loc } = await sql.query<{ id: string; name: string; extension: string | null }>(
    `SELECT id, name, extension FROM locations
      WHERE name = ANY($1::text[]) AND (extension IS NULL OR extension = ANY($2::text[]))`,
    [[...new Set(rows.map((r) => (r.cells.location as string | undefined) ?? ''))], extensions],
  );
  return {
    destinations: new Map(
      dest.map((d) => [d.name, { id: d.id, extension: d.scope === 'specific' ? d.extension : null }]),
    ),
    locations: new Map(loc.map((l) => [`${l.extension ?? ''}\u0000${l.name}`, l.id])),
  };
}

/** A row's ids (its user's own place before a shared location of the same name), or a problem. */
function resolve(
  row: Row,
  extension: string,
  before: StoredScenario[],
  names: Names,
  problems: CsvProblem[],
): Resolved | null {
  const { cells, line } = row;
  const dest = names.destinations.get(cells.destination);
  if (!dest || (dest.extension !== null && dest.extension !== extension)) {
    problems.push({
      line,
      column: 'destination',
      message: `no destination ${clip(cells.destination)} usable by extension ${clip(extension)} (a shared SMART-… one, or one of ${clip(extension)}-…)`,
    });
    return null;
  }
  let locationId: string | null = null;
  if (cells.location !== '') {
    locationId =
      names.locations.get(`${extension}\u0000${cells.location}`) ??
      names.locations.get(`\u0000${cells.location}`) ??
      null;
    if (!locationId) {
      problems.push({
        line,
        column: 'location',
        message: `no location ${clip(cells.location)} (a shared location, or one of extension ${clip(extension)}'s own places)`,
      });
      return null;
    }
  }
  const kept = before.find((s) => s.name === cells.name);
  return { id: kept?.id ?? null, destinationId: dest.id, locationId, owner: kept?.owner ?? 'admin' };
}

const rulesOf = (r: Resolved): RuleJson[] =>
  r.locationId ? [{ kind: 'location', locationId: r.locationId }] : [];

function sameScenarios(a: ScenarioValues, b: ScenarioValues): boolean {
  return (
    a.scenarios.length === b.scenarios.length &&
    a.scenarios.every((s, i) => {
      const t = b.scenarios[i]!;
      return (
        s.name === t.name &&
        s.destination === t.destination &&
        s.location === t.location &&
        s.isDefault === t.isDefault &&
        s.locked === t.locked
      );
    })
  );
}

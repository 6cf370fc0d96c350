// Bulk onboarding files: which columns each kind of CSV has, reading one into rows (every problem named
// by line and column, nothing thrown for bad content) and writing one (header row, fixed column order,
// cells that a spreadsheet would run as a formula prefixed with '). Pure: csv-parse/csv-stringify do
// the CSV syntax; the caller checks cell formats (the API's schemas) and everything the database knows.
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const BULK_KINDS = ['users', 'devices', 'destinations', 'scenarios'] as const;
export type BulkKind = (typeof BULK_KINDS)[number];

/** Largest CSV an import takes, and most data rows (the header line not counted). */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 50_000;
/** Problems listed in a report; the total is always given. */
export const MAX_REPORTED_PROBLEMS = 1000;

export interface ColumnSpec {
  readonly name: string;
  readonly required: boolean;
  readonly type: 'text' | 'boolean';
  /** What a blank cell of an optional column means. */
  readonly blank?: string | boolean;
}

const text = (name: string, required: boolean): ColumnSpec => ({
  name,
  required,
  type: 'text',
  ...(required ? {} : { blank: '' }),
});
const flag = (name: string, blank: boolean): ColumnSpec => ({
  name,
  required: false,
  type: 'boolean',
  blank,
});

/** Column order of exports; imports accept the columns in any order, optional ones may be left out. */
export const COLUMNS: Readonly<Record<BulkKind, readonly ColumnSpec[]>> = {
  users: [text('extension', true), text('displayName', false)],
  devices: [
    text('deviceId', true),
    text('extension', true),
    text('label', false),
    flag('enabled', true),
    flag('allowCreateTargets', false),
    // Wi-Fi MACs separated by spaces or ';' (blank: none; column left out: the stored ones stay)
    text('wifiMacs', false),
  ],
  destinations: [text('name', true), text('dial', true)],
  // one row per scenario, a user's rows in evaluation order; destination and location by name
  scenarios: [
    text('extension', true),
    text('name', true),
    text('destination', true),
    text('location', false),
    flag('isDefault', false),
    flag('locked', false),
  ],
};

/** The column that names a row's entity: it may appear once per file (per KEY_SCOPE's value). */
export const KEY_COLUMN: Readonly<Record<BulkKind, string>> = {
  users: 'extension',
  devices: 'deviceId',
  destinations: 'name',
  scenarios: 'name',
};

/** A scenario's name is unique per extension, not per file. */
const KEY_SCOPE: Readonly<Partial<Record<BulkKind, string>>> = { scenarios: 'extension' };

export type Cell = string | boolean;

export interface CsvRow {
  /** Line of the file where the record starts (the header is line 1). */
  readonly line: number;
  /** Only the columns the file has; a blank optional cell holds that column's `blank` value. */
  readonly cells: Readonly<Record<string, Cell>>;
}

export interface CsvProblem {
  readonly line: number;
  /** A column name, or '' when the whole line is wrong. */
  readonly column: string;
  readonly message: string;
}

export interface CsvTable {
  readonly kind: BulkKind;
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
  /** Data lines read (good or not), the header not counted. */
  readonly rowCount: number;
  readonly problems: readonly CsvProblem[];
}

export type TooManyRows = { readonly tooManyRows: number };

/** Checks one non-blank text cell; returns what is wrong with it, or null. */
export type CellCheck = (kind: BulkKind, column: string, value: string) => string | null;

const FORMULA_ESCAPED = /^'[=+\-@\t\r]/;
const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off']);

/** Header cells match column names ignoring case, spaces, '_' and '-' ("Device ID" is deviceId). */
const headerKey = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Reads a CSV file of one kind. Content problems (syntax, header, cells, duplicates) come back in
 * `problems`; only more than `maxRows` data rows stops early.
 */
export function readCsvTable(
  kind: BulkKind,
  input: string,
  check: CellCheck,
  maxRows = MAX_CSV_ROWS,
): CsvTable | TooManyRows {
  const parsed = parseRecords(input, maxRows);
  if ('syntax' in parsed) return { kind, columns: [], rows: [], rowCount: 0, problems: [parsed.syntax] };
  const records = parsed.records;
  if (records.length > maxRows + 1) return { tooManyRows: maxRows };
  const header = records[0];
  if (!header) {
    const message = `the file is empty; its first line names the columns: ${expectedColumns(kind)}`;
    return { kind, columns: [], rows: [], rowCount: 0, problems: [{ line: 1, column: '', message }] };
  }
  const { columns, problems } = readHeader(kind, header);
  const rowCount = records.length - 1;
  if (problems.length > 0) return { kind, columns: [], rows: [], rowCount, problems };
  const rows = readRows(kind, columns, records.slice(1), check, problems);
  return { kind, columns: columns.filter((c) => c !== null).map((c) => c.name), rows, rowCount, problems };
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** The file's records (at most maxRows + 2, enough to tell "too many"), or its first syntax error. */
function parseRecords(input: string, maxRows: number): { records: CsvRecord[] } | { syntax: CsvProblem } {
  try {
    const records = parse(input, {
      bom: true,
      delimiter: detectDelimiter(input),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
      to: maxRows + 2,
    }) as unknown as CsvRecord[];
    return { records };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines ?? 1;
    return { syntax: { line, column: '', message: syntaxMessage(err) } };
  }
}

const expectedColumns = (kind: BulkKind): string => COLUMNS[kind].map((s) => s.name).join(', ');

/** The spec of each header cell (null: unknown), and what is wrong with the header. */
function readHeader(kind: BulkKind, header: CsvRecord) {
  const specs = COLUMNS[kind];
  const expected = expectedColumns(kind);
  const problems: CsvProblem[] = [];
  const headerLine = startLine(header);
  const byKey = new Map(specs.map((s) => [headerKey(s.name), s]));
  const columns: (ColumnSpec | null)[] = [];
  const seen = new Set<string>();
  for (const name of header.record) {
    const spec = byKey.get(headerKey(name)) ?? null;
    if (!spec) {
      problems.push({
        line: headerLine,
        column: name,
        message:
          name === ''
            ? `a column has no name (columns: ${expected})`
            : `unknown column (columns: ${expected})`,
      });
    } else if (seen.has(spec.name)) {
      problems.push({ line: headerLine, column: spec.name, message: 'column appears twice' });
    }
    if (spec) seen.add(spec.name);
    columns.push(spec);
  }
  for (const spec of specs) {
    if (spec.required && !seen.has(spec.name)) {
      problems.push({ line: headerLine, column: spec.name, message: 'required column missing' });
    }
  }
  return { columns, problems };
}

/** The good data rows; each problem found (cells, value counts, repeated keys) is added to `problems`. */
function readRows(
  kind: BulkKind,
  columns: readonly (ColumnSpec | null)[],
  records: readonly CsvRecord[],
  check: CellCheck,
  problems: CsvProblem[],
): CsvRow[] {
  const key = KEY_COLUMN[kind];
  const scope = KEY_SCOPE[kind];
  const firstLineOf = new Map<string, number>();
  const rows: CsvRow[] = [];
  for (const entry of records) {
    const line = startLine(entry);
    const fields = entry.record;
    if (fields.length !== columns.length) {
      problems.push({
        line,
        column: '',
        message: `has ${fields.length} values; the header names ${columns.length} columns`,
      });
      continue;
    }
    const before = problems.length;
    const cells = readCells(kind, columns, fields, check, (column, message) =>
      problems.push({ line, column, message }),
    );
    let ok = problems.length === before;
    const id = cells[key];
    if (typeof id === 'string') {
      const within = scope ? cells[scope] : undefined;
      const scoped = typeof within === 'string' ? `${within}\u0000${id}` : id;
      const first = firstLineOf.get(scoped);
      if (first !== undefined) {
        const where = typeof within === 'string' ? ` for ${scope} ${clip(within)}` : '';
        problems.push({
          line,
          column: key,
          message: `${clip(id)} appears again${where} (first on line ${first})`,
        });
        ok = false;
      } else firstLineOf.set(scoped, line);
    }
    if (ok) rows.push({ line, cells });
  }
  return rows;
}

/** One record's cells by column name; a cell that is wrong is reported and left out. */
function readCells(
  kind: BulkKind,
  columns: readonly (ColumnSpec | null)[],
  fields: readonly string[],
  check: CellCheck,
  problem: (column: string, message: string) => void,
): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  columns.forEach((spec, i) => {
    if (!spec) return;
    const raw = unescapeFormula(fields[i]!);
    if (raw === '') {
      if (spec.required) problem(spec.name, 'required');
      else cells[spec.name] = spec.blank!;
      return;
    }
    if (spec.type === 'boolean') {
      const lower = raw.toLowerCase();
      if (TRUE.has(lower)) cells[spec.name] = true;
      else if (FALSE.has(lower)) cells[spec.name] = false;
      else problem(spec.name, `"${clip(raw)}" is not true or false`);
      return;
    }
    const wrong = check(kind, spec.name, raw);
    if (wrong) problem(spec.name, wrong);
    else cells[spec.name] = raw;
  });
  return cells;
}

/** The export of one kind: header row, then each row's cells in COLUMNS order. */
export function writeCsv(kind: BulkKind, rows: readonly Readonly<Record<string, Cell>>[]): string {
  const names = COLUMNS[kind].map((c) => c.name);
  return stringify(
    rows.map((row) => names.map((n) => cellText(row[n]))),
    { header: true, columns: names, escape_formulas: true, record_delimiter: 'unix' },
  );
}

const cellText = (value: Cell | undefined): string =>
  value === undefined ? '' : typeof value === 'boolean' ? String(value) : value;

/** Undoes the export's formula guard: '=…, '+…, '-…, '@… are read as =…, +…, -…, @…. */
export function unescapeFormula(value: string): string {
  return FORMULA_ESCAPED.test(value) ? value.slice(1) : value;
}

/** Spreadsheets in many locales save with ';' (or a tab): told by the header line. */
function detectDelimiter(input: string): string {
  const first = input.slice(0, 1024).split(/\r\n|\n|\r/, 1)[0] ?? '';
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}

/** csv-parse counts the line a record ends on; a quoted value may span lines. */
function startLine(entry: { record: string[]; info: { lines: number } }): number {
  const inner = entry.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  return entry.info.lines - inner;
}

function syntaxMessage(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value is not closed (a " opens it and nothing closes it before the end of the file)';
    case 'INVALID_OPENING_QUOTE':
      return 'a " inside a value that does not start with one: put the whole value in quotes and write the " twice';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text right after a closing ": inside a quoted value write the " twice';
    default:
      return `not readable as CSV: ${err.message}`;
  }
}

export const clip = (value: string, max = 40): string =>
  value.length > max ? `${value.slice(0, max)}…` : value;

// Bulk onboarding: GET /export/<kind>.csv and POST /import/<kind> (?dryRun=true) for users, devices,
// destinations and scenarios. Cells are checked with the same schemas as the single-entity routes, compiled by the
// same validator; the database checks and the writes are BulkRepo's.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  BULK_KINDS,
  type BulkKind,
  type CellCheck,
  MAX_CSV_BYTES,
  MAX_CSV_ROWS,
  MAX_REPORTED_PROBLEMS,
  readCsvTable,
  writeCsv,
} from '../../../domain/bulk-csv.js';
import { normaliseMacList, splitMacCell } from '../../../domain/wifi-mac.js';
import { AdminError, invalid } from '../../../errors.js';
import type { ImportOutcome } from '../../pg/bulk-repo.js';
import { actorOf } from '../auth.js';
import { DestinationName, DeviceId, Dial, Extension, errors, Label, PlaceName } from '../schemas.js';
import { enrolmentPayload } from './enrolment.js';
import type { Provisioning, RouteDeps } from './route-deps.js';

/** Room for the multipart envelope around a file of MAX_CSV_BYTES. */
export const UPLOAD_LIMIT = MAX_CSV_BYTES + 64 * 1024;
const MB = MAX_CSV_BYTES / (1024 * 1024);

interface CellRule {
  readonly schema: object;
  /** What a pattern mismatch means, for people reading the report. */
  readonly hint: string;
}

const must = (schema: object): string => `must be ${(schema as { description?: string }).description}`;
const LABEL_HINT = 'may hold letters, digits, spaces and _ . , : ( ) / - only';
const NAME_HINT =
  'must start with a letter or digit and hold letters, digits, spaces and _ . ( ) - only (at most 64)';
const RULES: Readonly<Record<BulkKind, Readonly<Record<string, CellRule>>>> = {
  users: {
    extension: { schema: Extension, hint: must(Extension) },
    displayName: { schema: Label, hint: LABEL_HINT },
  },
  devices: {
    deviceId: { schema: DeviceId, hint: must(DeviceId) },
    extension: { schema: Extension, hint: must(Extension) },
    label: { schema: Label, hint: LABEL_HINT },
  },
  destinations: {
    name: { schema: DestinationName, hint: must(DestinationName) },
    dial: { schema: Dial, hint: 'may hold digits, letters and * # + / @ . _ - only' },
  },
  scenarios: {
    extension: { schema: Extension, hint: must(Extension) },
    name: { schema: PlaceName, hint: NAME_HINT },
    destination: { schema: DestinationName, hint: must(DestinationName) },
    location: { schema: PlaceName, hint: NAME_HINT },
  },
};

const Report = Type.Object({
  kind: Type.String(),
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  extensionsCreated: Type.Optional(Type.Integer()),
  problems: Type.Array(Type.Object({ line: Type.Integer(), column: Type.String(), message: Type.String() })),
  problemCount: Type.Integer(),
  enrolments: Type.Optional(
    Type.Array(
      Type.Object({
        deviceId: Type.String(),
        extension: Type.String(),
        keyId: Type.Integer(),
        payload: Type.String({ description: 'the enrolment payload, secret included: shown this once' }),
      }),
      { description: 'devices this import created, each enrolled with a new own key' },
    ),
  ),
});

const tooLarge = (bytes: number) =>
  new AdminError(
    'ADMIN_REQUEST_TOO_LARGE',
    `the CSV file is ${bytes} bytes; an import takes at most ${MB} MB (${MAX_CSV_BYTES} bytes): split it into several files`,
    { limit: MAX_CSV_BYTES },
  );

const tags = ['import'];
type BulkScope = FastifyInstance;

export function registerBulkRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // own scope: the text/csv parser applies to these routes only
  app.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'string', bodyLimit: UPLOAD_LIMIT },
      (_request, body, done) => done(null, body),
    );
    for (const kind of BULK_KINDS) {
      registerExport(scope, deps, kind);
      registerImport(scope, deps, kind);
    }
  });
}

/** GET /export/<kind>.csv */
function registerExport(scope: BulkScope, deps: RouteDeps, kind: BulkKind): void {
  scope.withTypeProvider<TypeBoxTypeProvider>().get(
    `/export/${kind}.csv`,
    {
      schema: {
        tags,
        summary: `Every ${kind === 'users' ? 'user (extension)' : kind.slice(0, -1)} as CSV: header row, fixed column order; cells starting = + - @ are prefixed with '`,
        produces: ['text/csv'],
      },
    },
    async (_request, reply) => {
      const csv = writeCsv(kind, await deps.bulk.exportRows(kind));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${kind}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}

/** POST /import/<kind>: every row checked, then all written or none (dryRun: none). */
function registerImport(scope: BulkScope, deps: RouteDeps, kind: BulkKind): void {
  scope.withTypeProvider<TypeBoxTypeProvider>().post(
    `/import/${kind}`,
    {
      bodyLimit: UPLOAD_LIMIT,
      config: {
        uploadLimit: UPLOAD_LIMIT,
        multipartOptions: { limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 2 } },
      },
      onRequest: async (request) => {
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > UPLOAD_LIMIT) throw tooLarge(length);
      },
      schema: {
        tags,
        summary: `Import ${kind} from CSV (body text/csv, or multipart field "file"); dryRun checks every row and writes nothing; a real import writes all rows or none`,
        consumes: ['text/csv', 'text/plain', 'multipart/form-data'],
        querystring: Type.Object(
          { dryRun: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        response: { 200: Report, ...errors },
      },
    },
    async (request) => {
      const csv = csvText(request.body);
      const bytes = Buffer.byteLength(csv);
      if (bytes > MAX_CSV_BYTES) throw tooLarge(bytes);
      const dryRun = request.query.dryRun;
      const table = readCsvTable(kind, csv, cellCheck(request));
      if ('tooManyRows' in table) {
        throw new AdminError(
          'ADMIN_IMPORT_TOO_MANY_ROWS',
          `the CSV file has more than ${MAX_CSV_ROWS} rows; an import takes at most ${MAX_CSV_ROWS}: split it into several files`,
          { limit: MAX_CSV_ROWS },
        );
      }
      const outcome = await deps.bulk.import(
        actorOf(request),
        kind,
        table.rows,
        table.problems,
        table.rowCount,
        dryRun,
      );
      const report = toReport(kind, dryRun, outcome, deps.provisioning);
      if (report.problemCount > 0) {
        throw new AdminError(
          'ADMIN_IMPORT_ROWS_INVALID',
          `${report.problemCount} problem${report.problemCount === 1 ? '' : 's'} in the file${dryRun ? '' : '; nothing was written'}: ${first(report)}`,
          report,
        );
      }
      return report;
    },
  );
}

/** The body as text: text/csv or text/plain as sent, or the multipart field "file". */
function csvText(body: unknown): string {
  if (typeof body === 'string') return body;
  const file = (body as { file?: unknown } | null | undefined)?.file;
  if (Buffer.isBuffer(file)) return file.toString('utf8');
  if (typeof file === 'string') return file;
  throw invalid('body', 'send the CSV file as text/csv, or as multipart/form-data field "file"');
}

/** Checks a cell with the route schemas, compiled by the validator the routes use. */
function cellCheck(request: FastifyRequest): CellCheck {
  return (kind, column, value) => {
    if (kind === 'devices' && column === 'wifiMacs') {
      const r = normaliseMacList(splitMacCell(value));
      return 'problem' in r ? r.problem : null;
    }
    const rule = RULES[kind][column];
    if (!rule) return null;
    const validate = request.compileValidationSchema(rule.schema);
    if (validate(value)) return null;
    const e = validate.errors?.[0];
    return e?.keyword === 'pattern' ? rule.hint : (e?.message ?? rule.hint);
  };
}

function toReport(kind: BulkKind, dryRun: boolean, o: ImportOutcome, p: Provisioning) {
  return {
    kind,
    dryRun,
    rows: o.rows,
    created: o.created,
    updated: o.updated,
    unchanged: o.unchanged,
    ...(o.extensionsCreated !== undefined ? { extensionsCreated: o.extensionsCreated } : {}),
    problems: o.problems.slice(0, MAX_REPORTED_PROBLEMS),
    problemCount: o.problems.length,
    ...(o.enrolments?.length
      ? {
          enrolments: o.enrolments.map((k) => ({
            deviceId: k.deviceId,
            extension: k.extension,
            keyId: k.keyId,
            payload: enrolmentPayload(k, p),
          })),
        }
      : {}),
  };
}

const first = (report: ReturnType<typeof toReport>): string => {
  const p = report.problems[0]!;
  return `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`;
};

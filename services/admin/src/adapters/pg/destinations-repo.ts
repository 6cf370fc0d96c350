// Destinations ("targets"): SMART-<Name> generic, <ext>-<Name> specific to a known extension.
import type { Pool } from '@sa/platform';
import { isNameProblem, parseDestinationName } from '../../domain/naming.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';
import type { DestinationRow } from './snapshots.js';

export interface DestinationView {
  id: string;
  name: string;
  dial: string;
  scope: 'generic' | 'specific';
  extension: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

type Row = DestinationRow & { created_at: Date; updated_at: Date };

const COLUMNS = 'id, name, dial, scope, extension, created_by, created_at, updated_at';

export const destinationView = (r: Row): DestinationView => ({
  id: r.id,
  name: r.name,
  dial: r.dial,
  scope: r.scope,
  extension: r.extension,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export class DestinationsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  async list(q: { limit: number; offset: number; scope?: string; extension?: string }): Promise<{
    items: DestinationView[];
    total: number;
  }> {
    const params: unknown[] = [q.scope ?? null, q.extension ?? null];
    const where =
      "($1::text IS NULL OR scope = $1) AND ($2::text IS NULL OR extension = $2 OR scope = 'generic')";
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM destinations WHERE ${where} ORDER BY name LIMIT $3 OFFSET $4`,
      [...params, q.limit, q.offset],
    );
    const count = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM destinations WHERE ${where}`,
      params,
    );
    return { items: rows.map(destinationView), total: Number(count.rows[0]!.n) };
  }

  async get(id: string): Promise<DestinationView> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM destinations WHERE id = $1`, [id]);
    if (!rows[0]) throw notFound(id);
    return destinationView(rows[0]);
  }

  create(actor: string, input: { name: string; dial: string }, createdBy = actor): Promise<DestinationView> {
    return this.changes.run(actor, (tx) => this.createIn(tx, input, createdBy));
  }

  async createIn(tx: Tx, input: { name: string; dial: string }, createdBy: string): Promise<DestinationView> {
    const parsed = await checkName(tx, input.name);
    const { rows } = await tx.client.query<Row>(
      `INSERT INTO destinations (name, dial, scope, extension, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [input.name, input.dial, parsed.scope, parsed.extension, createdBy],
    );
    const after = destinationView(rows[0]!);
    await tx.audit('create', 'destination', after.id, null, after);
    tx.destinationChanged(rows[0]!, false);
    return after;
  }

  update(actor: string, id: string, patch: { name?: string; dial?: string }): Promise<DestinationView> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const parsed = patch.name !== undefined ? await checkName(tx, patch.name) : null;
      const { rows } = await tx.client.query<Row>(
        `UPDATE destinations SET name = COALESCE($2, name), dial = COALESCE($3, dial),
           scope = COALESCE($4, scope), extension = CASE WHEN $2::text IS NULL THEN extension ELSE $5 END,
           updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, patch.name ?? null, patch.dial ?? null, parsed?.scope ?? null, parsed?.extension ?? null],
      );
      const after = destinationView(rows[0]!);
      await tx.audit('update', 'destination', id, destinationView(before), after);
      tx.destinationChanged(rows[0]!, false);
      await markUsers(tx, 'SELECT DISTINCT extension FROM scenarios WHERE destination_id = $1', [id]);
      return after;
    });
  }

  remove(actor: string, id: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const used = await tx.client.query('SELECT 1 FROM scenarios WHERE destination_id = $1 LIMIT 1', [id]);
      if (used.rowCount) {
        throw new AdminError('ADMIN_DESTINATION_IN_USE', `destination ${before.name} is used by scenarios`, {
          field: 'id',
        });
      }
      await tx.client.query('DELETE FROM destinations WHERE id = $1', [id]);
      await tx.audit('delete', 'destination', id, destinationView(before), null);
      tx.destinationChanged(before, true);
    });
  }

  private async lock(tx: Tx, id: string): Promise<Row> {
    const { rows } = await tx.client.query<Row>(
      `SELECT ${COLUMNS} FROM destinations WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows[0]) throw notFound(id);
    return rows[0];
  }
}

async function checkName(tx: Tx, name: string) {
  const parsed = parseDestinationName(name);
  if (isNameProblem(parsed)) {
    throw new AdminError('ADMIN_DESTINATION_NAME_INVALID', `name: ${parsed.problem}`, { field: 'name' });
  }
  if (parsed.extension !== null) {
    const known = await tx.client.query('SELECT 1 FROM extensions WHERE extension = $1', [parsed.extension]);
    if (known.rowCount === 0) {
      throw new AdminError('ADMIN_EXTENSION_UNKNOWN', `name: extension ${parsed.extension} is not known`, {
        field: 'name',
      });
    }
  }
  return parsed;
}

export async function markUsers(tx: Tx, sql: string, params: unknown[]): Promise<void> {
  const { rows } = await tx.client.query<{ extension: string }>(sql, params);
  for (const r of rows) tx.userChanged(r.extension);
}

const notFound = (id: string) =>
  new AdminError('ADMIN_DESTINATION_NOT_FOUND', `no destination ${id}`, { field: 'id' });

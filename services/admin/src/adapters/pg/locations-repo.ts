// Shared locations: named places recognised by SSID and/or BSSID sets, managed by administrators.
// A user's own places (locations with an extension) are theirs: own-data/own-data-repo.ts.
import type { Pool } from '@sa/platform';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';
import { markUsers } from './destinations-repo.js';

export interface LocationView {
  id: string;
  name: string;
  ssids: string[];
  bssids: string[];
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  ssids: string[];
  bssids: string[];
  created_at: Date;
  updated_at: Date;
}

const view = (r: Row): LocationView => ({
  id: r.id,
  name: r.name,
  ssids: r.ssids,
  bssids: r.bssids,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const COLUMNS = 'id, name, ssids, bssids, created_at, updated_at';
const USERS_OF = `SELECT DISTINCT extension FROM scenarios WHERE rules @> jsonb_build_array(jsonb_build_object('locationId', $1::text))`;

export class LocationsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  async list(q: { limit: number; offset: number }): Promise<{ items: LocationView[]; total: number }> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM locations WHERE extension IS NULL ORDER BY name LIMIT $1 OFFSET $2`,
      [q.limit, q.offset],
    );
    const count = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM locations WHERE extension IS NULL',
    );
    return { items: rows.map(view), total: Number(count.rows[0]!.n) };
  }

  async get(id: string): Promise<LocationView> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM locations WHERE id = $1 AND extension IS NULL`,
      [id],
    );
    if (!rows[0]) throw notFound(id);
    return view(rows[0]);
  }

  create(actor: string, input: { name: string; ssids?: string[]; bssids?: string[] }): Promise<LocationView> {
    return this.changes.run(actor, async (tx) => {
      const { rows } = await tx.client.query<Row>(
        `INSERT INTO locations (name, ssids, bssids) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [input.name, uniq(input.ssids ?? []), uniq((input.bssids ?? []).map((b) => b.toLowerCase()))],
      );
      const after = view(rows[0]!);
      await tx.audit('create', 'location', after.id, null, after);
      return after;
    });
  }

  update(
    actor: string,
    id: string,
    patch: { name?: string; ssids?: string[]; bssids?: string[] },
  ): Promise<LocationView> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const { rows } = await tx.client.query<Row>(
        `UPDATE locations SET name = COALESCE($2, name), ssids = COALESCE($3, ssids), bssids = COALESCE($4, bssids),
           updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          patch.name ?? null,
          patch.ssids ? uniq(patch.ssids) : null,
          patch.bssids ? uniq(patch.bssids.map((b) => b.toLowerCase())) : null,
        ],
      );
      const after = view(rows[0]!);
      await tx.audit('update', 'location', id, view(before), after);
      await markUsers(tx, USERS_OF, [id]);
      return after;
    });
  }

  remove(actor: string, id: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const used = await tx.client.query(`${USERS_OF} LIMIT 1`, [id]);
      if (used.rowCount) {
        throw new AdminError('ADMIN_LOCATION_IN_USE', `location ${before.name} is used by scenarios`, {
          field: 'id',
        });
      }
      await tx.client.query('DELETE FROM locations WHERE id = $1', [id]);
      await tx.audit('delete', 'location', id, view(before), null);
    });
  }

  private async lock(tx: Tx, id: string): Promise<Row> {
    const { rows } = await tx.client.query<Row>(
      `SELECT ${COLUMNS} FROM locations WHERE id = $1 AND extension IS NULL FOR UPDATE`,
      [id],
    );
    if (!rows[0]) throw notFound(id);
    return rows[0];
  }
}

const uniq = (values: string[]): string[] => [...new Set(values)];
const notFound = (id: string) =>
  new AdminError('ADMIN_LOCATION_NOT_FOUND', `no location ${id}`, { field: 'id' });

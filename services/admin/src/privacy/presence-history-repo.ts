// presence_history in Postgres: one row per change of where a device is placed. Read by the user
// (self-service) and by administrators (audited, routes.ts); written in batches by the recorder;
// thinned by the retention sweep.
import type { Pool } from '@sa/platform';
import type { ChangeRunner } from '../adapters/pg/change-set.js';
import type { PresenceEntry, PresenceHistory } from './history-ports.js';

/** A change of place to store. */
export interface PresenceChange {
  readonly atMs: number;
  readonly extension: string;
  readonly deviceId: string;
  readonly placeName: string;
}

export class PgPresenceHistory implements PresenceHistory {
  /** Called after a user's history was deleted (the recorder forgets its devices' last places). */
  onDeleted: (extension: string) => void = () => {};

  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  async recent(extension: string, limit: number): Promise<PresenceEntry[]> {
    return readRecent(this.pool, extension, limit);
  }

  /** The same as recent(), with an audit row naming who looked (one transaction: no read unaudited). */
  viewAs(actor: string, extension: string, limit: number): Promise<PresenceEntry[]> {
    return this.changes.run(actor, async (tx) => {
      const items = await readRecent(tx.client, extension, limit);
      await tx.audit('view', 'presence_history', extension, null, { limit, returned: items.length });
      return items;
    });
  }

  async deleteFor(actor: string, extension: string): Promise<number> {
    const n = await this.changes.run(actor, async (tx) => {
      const { rowCount } = await tx.client.query('DELETE FROM presence_history WHERE extension = $1', [
        extension,
      ]);
      await tx.audit('delete', 'presence_history', extension, { entries: rowCount ?? 0 }, null);
      return rowCount ?? 0;
    });
    this.onDeleted(extension);
    return n;
  }

  /**
   * Writes the changes of users whose location is not paused, in one statement. Rows of a paused
   * or unknown user are left out here, where the pause is read in the same statement.
   */
  async insert(rows: readonly PresenceChange[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `INSERT INTO presence_history (at, extension, device_id, place_name)
       SELECT u.at, u.ext, u.dev, u.place
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[]) AS u(at, ext, dev, place)
         JOIN extensions e ON e.extension = u.ext
        WHERE e.location_paused_at IS NULL`,
      [
        rows.map((r) => new Date(r.atMs).toISOString()),
        rows.map((r) => r.extension),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.placeName),
      ],
    );
    return rowCount ?? 0;
  }

  /** Each device's last recorded place and when (devices with no row are absent). */
  async lastPlaces(
    deviceIds: readonly string[],
  ): Promise<Map<string, { extension: string; placeName: string; atMs: number }>> {
    const { rows } = await this.pool.query<{
      device_id: string;
      extension: string;
      place_name: string;
      at: Date;
    }>(
      `SELECT DISTINCT ON (device_id) device_id, extension, place_name, at FROM presence_history
        WHERE device_id = ANY($1::text[]) ORDER BY device_id, at DESC, id DESC`,
      [deviceIds],
    );
    return new Map(
      rows.map((r) => [
        r.device_id,
        { extension: r.extension, placeName: r.place_name, atMs: r.at.getTime() },
      ]),
    );
  }

  /** Deletes at most `limit` rows older than `cutoff`, oldest first; returns how many. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM presence_history WHERE id = ANY(ARRAY(
         SELECT id FROM presence_history WHERE at < $1 ORDER BY at LIMIT $2))`,
      [cutoff, limit],
    );
    return rowCount ?? 0;
  }
}

async function readRecent(
  sql: Pick<Pool, 'query'>,
  extension: string,
  limit: number,
): Promise<PresenceEntry[]> {
  const { rows } = await sql.query<{ at: Date; device_id: string; place_name: string }>(
    `SELECT at, device_id, place_name FROM presence_history
      WHERE extension = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [extension, limit],
  );
  return rows.map((r) => ({ at: r.at.toISOString(), deviceId: r.device_id, placeName: r.place_name }));
}

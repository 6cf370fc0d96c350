// call_history in Postgres: one row per call router answered (CallRouted). Read by the user
// (self-service); written in batches; thinned by the retention sweep.
import type { Pool } from '@sa/platform';
import type { ChangeRunner } from '../adapters/pg/change-set.js';
import type { CallEntry, CallHistory } from './history-ports.js';

/** A routed call to store (CallRouted as admin keeps it). */
export interface RoutedCallRow extends Omit<CallEntry, 'at'> {
  readonly atMs: number;
  readonly extension: string;
}

export class PgCallHistory implements CallHistory {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  async recent(extension: string, limit: number): Promise<CallEntry[]> {
    const { rows } = await this.pool.query<{
      at: Date;
      call_id: string;
      caller_id_num: string;
      target_dial: string;
      target_name: string;
      scenario_name: string;
      reason: string;
      fallback: boolean;
    }>(
      `SELECT at, call_id, caller_id_num, target_dial, target_name, scenario_name, reason, fallback
         FROM call_history WHERE extension = $1 ORDER BY at DESC, id DESC LIMIT $2`,
      [extension, limit],
    );
    return rows.map((r) => ({
      callId: r.call_id,
      at: r.at.toISOString(),
      callerIdNum: r.caller_id_num,
      targetDial: r.target_dial,
      targetName: r.target_name,
      scenarioName: r.scenario_name,
      reason: r.reason,
      fallback: r.fallback,
    }));
  }

  /** Deletes the user's whole call history (audited as `actor`); returns how many entries. */
  deleteFor(actor: string, extension: string): Promise<number> {
    return this.changes.run(actor, async (tx) => {
      const { rowCount } = await tx.client.query('DELETE FROM call_history WHERE extension = $1', [
        extension,
      ]);
      await tx.audit('delete', 'call_history', extension, { entries: rowCount ?? 0 }, null);
      return rowCount ?? 0;
    });
  }

  /** Writes the calls in one statement; calls of unknown extensions are left out. */
  async insert(rows: readonly RoutedCallRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const col = <K extends keyof RoutedCallRow>(k: K) => rows.map((r) => r[k]);
    const { rowCount } = await this.pool.query(
      `INSERT INTO call_history
         (at, extension, call_id, caller_id_num, target_dial, target_name, scenario_name, reason, fallback)
       SELECT u.at, u.ext, u.call_id, u.caller, u.dial, u.tname, u.sname, u.reason, u.fallback
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::boolean[])
              AS u(at, ext, call_id, caller, dial, tname, sname, reason, fallback)
         JOIN extensions e ON e.extension = u.ext`,
      [
        rows.map((r) => new Date(r.atMs).toISOString()),
        col('extension'),
        col('callId'),
        col('callerIdNum'),
        col('targetDial'),
        col('targetName'),
        col('scenarioName'),
        col('reason'),
        col('fallback'),
      ],
    );
    return rowCount ?? 0;
  }

  /** Deletes at most `limit` rows older than `cutoff`, oldest first; returns how many. */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM call_history WHERE id = ANY(ARRAY(
         SELECT id FROM call_history WHERE at < $1 ORDER BY at LIMIT $2))`,
      [cutoff, limit],
    );
    return rowCount ?? 0;
  }
}

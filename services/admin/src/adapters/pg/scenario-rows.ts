// A user's scenarios with their destination, in evaluation order: the one query behind both the
// administrator's view (UsersRepo) and the user's own (OwnDataRepo), which only map the rows.
import type { Sql } from './db.js';
import type { RuleJson } from './snapshots.js';

export interface ScenarioRow {
  id: string;
  name: string;
  position: number;
  rules: RuleJson[];
  is_default: boolean;
  locked: boolean;
  /** who created it: an administrator or the user (phone, self-service page) */
  owner: 'admin' | 'user';
  destination_id: string;
  /** the destination's name */
  dname: string;
  dial: string;
}

export async function scenarioRows(sql: Sql, extension: string): Promise<ScenarioRow[]> {
  const { rows } = await sql.query<ScenarioRow>(
    `SELECT s.id, s.name, s.position, s.rules, s.is_default, s.locked, s.owner, s.destination_id,
            d.name AS dname, d.dial
       FROM scenarios s JOIN destinations d ON d.id = s.destination_id
      WHERE s.extension = $1 ORDER BY s.position`,
    [extension],
  );
  return rows;
}

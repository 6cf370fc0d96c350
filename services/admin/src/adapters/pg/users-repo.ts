// Extensions (users) and their ordered scenarios. PUT replaces a user's scenario list as a whole;
// ids given keep their scenarios (and who created them).
import type { Pool } from '@sa/platform';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';
import type { Sql } from './db.js';
import { scenarioRows } from './scenario-rows.js';
import type { RuleJson } from './snapshots.js';

export interface ExtensionView {
  extension: string;
  displayName: string;
  deviceCount: number;
}

export interface ScenarioInput {
  /** an existing scenario's id keeps it (and an explicit choice of it); absent: a new one */
  id?: string;
  name: string;
  destinationId: string;
  rules: RuleJson[];
  isDefault?: boolean;
  /** the user may neither change nor delete a locked scenario (default false) */
  locked?: boolean;
}

export interface ScenarioView extends ScenarioInput {
  id: string;
  position: number;
  isDefault: boolean;
  locked: boolean;
  /** who created it: an administrator or the user (phone, self-service page) */
  owner: 'admin' | 'user';
  destinationName: string;
  dial: string;
}

export class UsersRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  /** `search`: the extension starts with it, or the display name contains it (case ignored). */
  async listExtensions(q: { limit: number; offset: number; prefix?: string; search?: string }): Promise<{
    items: ExtensionView[];
    total: number;
  }> {
    const like = q.prefix ? `${likeEscape(q.prefix)}%` : '%';
    const search = q.search ? likeEscape(q.search) : null;
    const where = `e.extension LIKE $1 AND ($2::text IS NULL OR e.extension LIKE $2 || '%' OR e.display_name ILIKE '%' || $2 || '%')`;
    const { rows } = await this.pool.query<{ extension: string; display_name: string; n: string }>(
      `SELECT e.extension, e.display_name, (SELECT count(*) FROM devices d WHERE d.extension = e.extension) AS n
         FROM extensions e WHERE ${where} ORDER BY e.extension LIMIT $3 OFFSET $4`,
      [like, search, q.limit, q.offset],
    );
    const count = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM extensions e WHERE ${where}`,
      [like, search],
    );
    return {
      items: rows.map((r) => ({
        extension: r.extension,
        displayName: r.display_name,
        deviceCount: Number(r.n),
      })),
      total: Number(count.rows[0]!.n),
    };
  }

  createExtension(actor: string, input: { extension: string; displayName?: string }): Promise<ExtensionView> {
    return this.changes.run(actor, async (tx) => {
      await tx.client.query('INSERT INTO extensions (extension, display_name) VALUES ($1, $2)', [
        input.extension,
        input.displayName ?? '',
      ]);
      const after = { extension: input.extension, displayName: input.displayName ?? '', deviceCount: 0 };
      await tx.audit('create', 'extension', input.extension, null, after);
      tx.userChanged(input.extension);
      return after;
    });
  }

  removeExtension(actor: string, extension: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      await requireExtension(tx, extension);
      await tx.client.query('DELETE FROM extensions WHERE extension = $1', [extension]);
      await tx.audit('delete', 'extension', extension, { extension }, null);
      tx.userChanged(extension);
    });
  }

  async listScenarios(extension: string): Promise<ScenarioView[]> {
    const known = await this.pool.query('SELECT 1 FROM extensions WHERE extension = $1', [extension]);
    if (known.rowCount === 0) throw unknownExtension(extension);
    return this.scenariosOf(this.pool, extension);
  }

  /** The user's own places (made from the phone or the self-service page), by name. */
  async places(
    extension: string,
  ): Promise<{ id: string; name: string; ssids: string[]; bssids: string[] }[]> {
    const known = await this.pool.query('SELECT 1 FROM extensions WHERE extension = $1', [extension]);
    if (known.rowCount === 0) throw unknownExtension(extension);
    const { rows } = await this.pool.query<{ id: string; name: string; ssids: string[]; bssids: string[] }>(
      'SELECT id, name, ssids, bssids FROM locations WHERE extension = $1 ORDER BY name',
      [extension],
    );
    return rows;
  }

  replaceScenarios(actor: string, extension: string, scenarios: ScenarioInput[]): Promise<ScenarioView[]> {
    return this.changes.run(actor, async (tx) => {
      await requireExtension(tx, extension);
      if (scenarios.filter((s) => s.isDefault).length > 1) {
        throw new AdminError('ADMIN_SCENARIO_INVALID', 'scenarios: at most one scenario may be the default', {
          field: 'scenarios',
        });
      }
      await this.checkReferences(tx, extension, scenarios);
      const before = await this.scenariosOf(tx.client, extension);
      await tx.client.query('DELETE FROM scenarios WHERE extension = $1', [extension]);
      const ownerOf = new Map(before.map((b) => [b.id, b.owner]));
      for (const [position, s] of scenarios.entries()) {
        await tx.client.query(
          `INSERT INTO scenarios (id, extension, name, position, rules, destination_id, is_default, locked, owner)
           VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            s.id ?? null,
            extension,
            s.name,
            position,
            JSON.stringify(s.rules),
            s.destinationId,
            s.isDefault ?? false,
            s.locked ?? false,
            (s.id && ownerOf.get(s.id)) || 'admin',
          ],
        );
      }
      const after = await this.scenariosOf(tx.client, extension);
      await tx.audit('replace', 'scenarios', extension, before, after);
      tx.userChanged(extension);
      return after;
    });
  }

  private async checkReferences(tx: Tx, extension: string, scenarios: ScenarioInput[]): Promise<void> {
    for (const [i, s] of scenarios.entries()) {
      const dest = await tx.client.query<{ scope: string; extension: string | null }>(
        'SELECT scope, extension FROM destinations WHERE id = $1',
        [s.destinationId],
      );
      const d = dest.rows[0];
      if (!d || (d.scope === 'specific' && d.extension !== extension)) {
        throw new AdminError(
          'ADMIN_SCENARIO_INVALID',
          `scenarios/${i}/destinationId: no destination ${s.destinationId} usable by extension ${extension}`,
          { field: `scenarios/${i}/destinationId` },
        );
      }
      for (const [j, r] of s.rules.entries()) {
        const field = `scenarios/${i}/rules/${j}`;
        if (r.kind === 'location') {
          const loc = r.locationId
            ? await tx.client.query(
                'SELECT 1 FROM locations WHERE id = $1 AND (extension IS NULL OR extension = $2)',
                [r.locationId, extension],
              )
            : { rowCount: 0 };
          if (!loc.rowCount) {
            throw new AdminError('ADMIN_SCENARIO_INVALID', `${field}/locationId: unknown location`, {
              field,
            });
          }
        }
        if (r.kind === 'time_window' && !r.window) {
          throw new AdminError('ADMIN_SCENARIO_INVALID', `${field}/window: required for a time_window rule`, {
            field,
          });
        }
      }
    }
  }

  private async scenariosOf(sql: Sql, extension: string): Promise<ScenarioView[]> {
    return (await scenarioRows(sql, extension)).map((r) => ({
      id: r.id,
      name: r.name,
      position: r.position,
      rules: r.rules,
      isDefault: r.is_default,
      locked: r.locked,
      owner: r.owner,
      destinationId: r.destination_id,
      destinationName: r.dname,
      dial: r.dial,
    }));
  }
}

async function requireExtension(tx: Tx, extension: string): Promise<void> {
  const known = await tx.client.query('SELECT 1 FROM extensions WHERE extension = $1 FOR UPDATE', [
    extension,
  ]);
  if (known.rowCount === 0) throw unknownExtension(extension);
}

const unknownExtension = (extension: string) =>
  new AdminError('ADMIN_EXTENSION_UNKNOWN', `extension ${extension} is not known`, { field: 'extension' });

/** LIKE treats % and _ as wildcards and the backslash as its escape character: match them literally. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

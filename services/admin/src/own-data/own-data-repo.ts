// A user's own scenarios and places in Postgres, changed only through the rules of
// own-data-rules.ts. Every change is one transaction with its audit row and the user's new
// UserConfig in the outbox (router applies it), like an administrator's edit.
import type { Pool } from '@sa/platform';
import type { ChangeRunner, Tx } from '../adapters/pg/change-set.js';
import type { Sql } from '../adapters/pg/db.js';
import { type ScenarioRow, scenarioRows } from '../adapters/pg/scenario-rows.js';
import { type DevicePermissions, effectiveTier, permissionsFor, type Tier } from '../domain/permissions.js';
import { AdminError } from '../errors.js';
import {
  checkDefaultMove,
  checkScenario,
  checkTarget,
  checkUnlocked,
  MAX_OWN_PLACES,
  MAX_OWN_SCENARIOS,
  mergeNetworks,
  type OwnPlace,
  type OwnScenario,
  type OwnScenarioInput,
  PLACE_NAME,
  type PlaceInput,
  placeNetworks,
  reorder,
  type TargetRow,
} from './own-data-rules.js';

const scenarioView = (r: ScenarioRow): OwnScenario => ({
  id: r.id,
  name: r.name,
  position: r.position,
  targetId: r.destination_id,
  targetName: r.dname,
  dial: r.dial,
  rules: r.rules,
  isDefault: r.is_default,
  locked: r.locked,
  own: r.owner === 'user',
});

interface PlaceRow {
  id: string;
  name: string;
  ssids: string[];
  bssids: string[];
  extension: string | null;
}

const placeView = (r: PlaceRow): OwnPlace => ({
  id: r.id,
  name: r.name,
  ssids: r.ssids,
  bssids: r.bssids,
  shared: r.extension === null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OwnDataRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
  ) {}

  /** The user's scenarios in evaluation order (an administrator's ones included). */
  scenarios(extension: string, sql: Sql = this.pool): Promise<OwnScenario[]> {
    return scenarioRows(sql, extension).then((rows) => rows.map(scenarioView));
  }

  /** The user's own places, then the shared ones, each by name. */
  places(extension: string, sql: Sql = this.pool): Promise<OwnPlace[]> {
    return sql
      .query<PlaceRow>(
        `SELECT id, name, ssids, bssids, extension FROM locations
          WHERE extension = $1 OR extension IS NULL ORDER BY extension NULLS LAST, name`,
        [extension],
      )
      .then((r) => r.rows.map(placeView));
  }

  /**
   * What a user may do when they act without a device (the self-service page): the best licence
   * among their enabled devices; "allow create targets" if any such device has it.
   */
  async userPermissions(extension: string): Promise<DevicePermissions> {
    const { rows } = await this.pool.query<{
      allow_create_targets: boolean;
      tier: Tier | null;
      expires_at: Date | null;
    }>(
      `SELECT d.allow_create_targets, l.tier, l.expires_at
         FROM devices d LEFT JOIN licences l ON l.id = d.licence_id WHERE d.extension = $1 AND d.enabled`,
      [extension],
    );
    const now = Date.now();
    let best: DevicePermissions = permissionsFor('free', false);
    for (const row of rows) {
      const licence =
        row.tier && row.expires_at ? { tier: row.tier, expiresAtMs: row.expires_at.getTime() } : null;
      const p = permissionsFor(effectiveTier(licence, now), row.allow_create_targets);
      best = {
        genericDestinations: true,
        specificDestinations: best.specificDestinations || p.specificDestinations,
        createTargets: best.createTargets || p.createTargets,
      };
    }
    return best;
  }

  saveScenario(
    actor: string,
    extension: string,
    permissions: DevicePermissions,
    input: OwnScenarioInput,
  ): Promise<OwnScenario> {
    return this.changes.run(actor, async (tx) => {
      await lockUser(tx, extension);
      const all = await this.scenarios(extension, tx.client);
      const before = input.id
        ? checkUnlocked(
            all.find((s) => s.id === input.id),
            input.id,
          )
        : undefined;
      if (!before && all.length >= MAX_OWN_SCENARIOS) {
        throw new AdminError('ADMIN_LIMIT_REACHED', `at most ${MAX_OWN_SCENARIOS} scenarios per user`, {
          field: 'id',
        });
      }
      if (all.some((s) => s.name === input.name && s.id !== input.id)) {
        throw new AdminError('ADMIN_SCENARIO_EXISTS', `name: you already have a scenario "${input.name}"`, {
          field: 'name',
        });
      }
      checkTarget(await target(tx, input.targetId), extension, permissions);
      checkScenario(input, new Set((await this.places(extension, tx.client)).map((p) => p.id)));
      checkDefaultMove(all, input);
      if (input.isDefault) {
        await tx.client.query('UPDATE scenarios SET is_default = false WHERE extension = $1 AND is_default', [
          extension,
        ]);
      }
      const id = before ? await update(tx, before.id, input) : await insert(tx, extension, input, all.length);
      await renumber(
        tx,
        extension,
        reorder([...all.map((s) => s.id), ...(before ? [] : [id])], id, input.position),
      );
      const after = (await this.scenarios(extension, tx.client)).find((s) => s.id === id)!;
      await tx.audit(before ? 'update' : 'create', 'scenario', `${extension}/${id}`, before ?? null, after);
      tx.userChanged(extension);
      return after;
    });
  }

  deleteScenario(actor: string, extension: string, id: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      await lockUser(tx, extension);
      const all = await this.scenarios(extension, tx.client);
      const before = checkUnlocked(
        all.find((s) => s.id === id),
        id,
      );
      await tx.client.query('DELETE FROM scenarios WHERE id = $1', [id]);
      await renumber(
        tx,
        extension,
        all.filter((s) => s.id !== id).map((s) => s.id),
      );
      await tx.audit('delete', 'scenario', `${extension}/${id}`, before, null);
      tx.userChanged(extension);
    });
  }

  savePlace(actor: string, extension: string, input: PlaceInput): Promise<OwnPlace> {
    return this.changes.run(actor, async (tx) => {
      await lockUser(tx, extension);
      const networks = placeNetworks(input);
      const places = await this.places(extension, tx.client);
      const own = places.filter((p) => !p.shared);
      const before = input.id ? own.find((p) => p.id === input.id) : undefined;
      if (input.id && !before) {
        throw new AdminError('ADMIN_LOCATION_NOT_FOUND', `id: no place ${input.id} of yours`, {
          field: 'id',
        });
      }
      const name = input.name || before?.name || '';
      if (!PLACE_NAME.test(name)) {
        throw new AdminError('ADMIN_REQUEST_INVALID', 'name: 1-64 letters, digits, spaces or _.()-', {
          field: 'name',
        });
      }
      if (own.some((p) => p.name === name && p.id !== before?.id)) {
        throw new AdminError('ADMIN_LOCATION_EXISTS', `name: you already have a place "${name}"`, {
          field: 'name',
        });
      }
      if (!before && own.length >= MAX_OWN_PLACES) {
        throw new AdminError('ADMIN_LIMIT_REACHED', `at most ${MAX_OWN_PLACES} places per user`, {
          field: 'id',
        });
      }
      const merged = before ? mergeNetworks(before, networks) : networks;
      const { rows } = before
        ? await tx.client.query<PlaceRow>(
            `UPDATE locations SET name = $2, ssids = $3, bssids = $4, updated_at = now() WHERE id = $1
             RETURNING id, name, ssids, bssids, extension`,
            [before.id, name, merged.ssids, merged.bssids],
          )
        : await tx.client.query<PlaceRow>(
            `INSERT INTO locations (name, ssids, bssids, extension) VALUES ($1, $2, $3, $4)
             RETURNING id, name, ssids, bssids, extension`,
            [name, merged.ssids, merged.bssids, extension],
          );
      const after = placeView(rows[0]!);
      await tx.audit(
        before ? 'update' : 'create',
        'place',
        `${extension}/${after.id}`,
        before ?? null,
        after,
      );
      if (before) tx.userChanged(extension);
      return after;
    });
  }

  deletePlace(actor: string, extension: string, id: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      await lockUser(tx, extension);
      const own = (await this.places(extension, tx.client)).filter((p) => !p.shared);
      const before = own.find((p) => p.id === id);
      if (!before)
        throw new AdminError('ADMIN_LOCATION_NOT_FOUND', `id: no place ${id} of yours`, { field: 'id' });
      const users = (await this.scenarios(extension, tx.client)).filter((s) =>
        s.rules.some((r) => r.locationId === id),
      );
      if (users.length > 0) {
        const names = users.map((s) => `"${s.name}"`).join(', ');
        throw new AdminError('ADMIN_LOCATION_IN_USE', `place "${before.name}" is used by ${names}`, {
          field: 'id',
        });
      }
      await tx.client.query('DELETE FROM locations WHERE id = $1', [id]);
      await tx.audit('delete', 'place', `${extension}/${id}`, before, null);
    });
  }

  /** Pauses (privacy mode) or resumes location; returns when it was paused, null when running. */
  setLocationPaused(actor: string, extension: string, paused: boolean): Promise<Date | null> {
    return this.changes.run(actor, async (tx) => {
      const before = await lockUser(tx, extension);
      if ((before !== null) === paused) return before;
      const { rows } = await tx.client.query<{ location_paused_at: Date | null }>(
        `UPDATE extensions SET location_paused_at = CASE WHEN $2 THEN now() ELSE NULL END
          WHERE extension = $1 RETURNING location_paused_at`,
        [extension, paused],
      );
      await tx.audit(paused ? 'pause' : 'resume', 'location', extension, null, null);
      tx.userChanged(extension);
      return rows[0]!.location_paused_at;
    });
  }

  async locationPausedAt(extension: string): Promise<Date | null> {
    const { rows } = await this.pool.query<{ location_paused_at: Date | null }>(
      'SELECT location_paused_at FROM extensions WHERE extension = $1',
      [extension],
    );
    if (!rows[0]) throw unknownUser(extension);
    return rows[0].location_paused_at;
  }
}

/** Serialises one user's changes (positions, the one default) and proves the user exists. */
async function lockUser(tx: Tx, extension: string): Promise<Date | null> {
  const { rows } = await tx.client.query<{ location_paused_at: Date | null }>(
    'SELECT location_paused_at FROM extensions WHERE extension = $1 FOR UPDATE',
    [extension],
  );
  if (!rows[0]) throw unknownUser(extension);
  return rows[0].location_paused_at;
}

async function target(tx: Tx, id: string): Promise<TargetRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await tx.client.query<TargetRow>(
    'SELECT id, scope, extension FROM destinations WHERE id = $1',
    [id],
  );
  return rows[0];
}

async function insert(tx: Tx, extension: string, input: OwnScenarioInput, count: number): Promise<string> {
  const { rows } = await tx.client.query<{ id: string }>(
    `INSERT INTO scenarios (extension, name, position, rules, destination_id, is_default, owner)
     VALUES ($1, $2, $3, $4, $5, $6, 'user') RETURNING id`,
    [extension, input.name, 100_000 + count, JSON.stringify(input.rules), input.targetId, !!input.isDefault],
  );
  return rows[0]!.id;
}

async function update(tx: Tx, id: string, input: OwnScenarioInput): Promise<string> {
  await tx.client.query(
    `UPDATE scenarios SET name = $2, rules = $3, destination_id = $4,
            is_default = CASE WHEN $5 THEN true WHEN is_default THEN $6 ELSE false END
      WHERE id = $1`,
    [
      id,
      input.name,
      JSON.stringify(input.rules),
      input.targetId,
      !!input.isDefault,
      input.isDefault !== false,
    ],
  );
  return id;
}

/** Positions 0..n-1 in `ids` order; two steps because (extension, position) is unique. */
async function renumber(tx: Tx, extension: string, ids: readonly string[]): Promise<void> {
  await tx.client.query('UPDATE scenarios SET position = position + 1000000 WHERE extension = $1', [
    extension,
  ]);
  await tx.client.query(
    `UPDATE scenarios s SET position = o.ord - 1
       FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)
      WHERE s.extension = $1 AND s.id = o.id`,
    [extension, ids],
  );
}

const unknownUser = (extension: string) =>
  new AdminError('ADMIN_EXTENSION_UNKNOWN', `extension ${extension} is not known`, { field: 'extension' });

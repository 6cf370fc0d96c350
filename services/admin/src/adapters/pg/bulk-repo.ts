// Bulk import and export of users (extensions), devices, destinations and scenarios. An import first plans:
// each row is created, updated (a stored value differs) or unchanged, or is a problem the database
// reveals (a device registered to another extension, a destination for an unknown extension). A dry
// run stops there. A real import re-plans inside one transaction with the tables locked and writes
// only when no row has a problem: one multi-row statement per 5,000 rows, an audit row per changed
// entity plus one for the import, and the outbox events the single edits emit (through ChangeRunner).
import type { Pool } from '@sa/platform';
import type { BulkKind, CsvProblem, CsvRow } from '../../domain/bulk-csv.js';
import { applyDestinations, type DestinationValues, planDestinations } from './bulk-destinations.js';
import {
  applyDevices,
  DEVICE_COLUMNS,
  type DeviceDb,
  type DeviceValues,
  deviceValues,
  planDevices,
} from './bulk-devices.js';
import type { Plan, Values } from './bulk-plan.js';
import { applyScenarios, exportScenarios, planScenarios, type ScenarioValues } from './bulk-scenarios.js';
import { applyUsers, planUsers, type UserValues } from './bulk-users.js';
import type { ChangeRunner, Tx } from './change-set.js';
import type { Sql } from './db.js';
import type { DeviceKeysRepo, IssuedKey } from './device-keys-repo.js';

export interface ImportCounts {
  /** Data rows read from the file. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Devices only: extensions the import creates for new devices (as POST /devices does). */
  extensionsCreated?: number;
}

export interface ImportOutcome extends ImportCounts {
  problems: CsvProblem[];
  /** devices the import created, each enrolled with a new own key: their secrets, shown this once */
  enrolments?: IssuedKey[];
}

class ImportRefused extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super('import refused');
  }
}

export class BulkRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly deviceKeys: DeviceKeysRepo,
  ) {}

  /**
   * Every row of a kind in export order (users by extension, devices by extension then id,
   * destinations by name, scenarios by extension then evaluation order).
   */
  async exportRows(kind: BulkKind): Promise<Values[]> {
    if (kind === 'scenarios') return exportScenarios(this.pool);
    if (kind === 'users') {
      const { rows } = await this.pool.query<{ extension: string; display_name: string }>(
        'SELECT extension, display_name FROM extensions ORDER BY extension',
      );
      return rows.map((r) => ({ extension: r.extension, displayName: r.display_name }));
    }
    if (kind === 'devices') {
      const { rows } = await this.pool.query<DeviceDb>(
        `SELECT ${DEVICE_COLUMNS} FROM devices d ORDER BY extension, device_id`,
      );
      return rows.map(deviceValues);
    }
    const { rows } = await this.pool.query<{ name: string; dial: string }>(
      'SELECT name, dial FROM destinations ORDER BY name',
    );
    return rows.map((r) => ({ name: r.name, dial: r.dial }));
  }

  /**
   * Checks (dryRun) or applies a file's rows. `earlier` are the problems found reading the file: with
   * any of them, or any found here, nothing is written and every problem is reported.
   */
  async import(
    actor: string,
    kind: BulkKind,
    rows: readonly CsvRow[],
    earlier: readonly CsvProblem[],
    rowCount: number,
    dryRun: boolean,
  ): Promise<ImportOutcome> {
    if (dryRun || earlier.length > 0) {
      return outcome(await this.plan(this.pool, kind, rows), earlier, rowCount);
    }
    try {
      return await this.changes.run(actor, async (tx) => {
        await lockTables(tx, kind);
        const plan = await this.plan(tx.client, kind, rows);
        const result = outcome(plan, earlier, rowCount);
        if (result.problems.length > 0) throw new ImportRefused(result);
        if (kind === 'users') await applyUsers(tx, plan as Plan<UserValues>);
        else if (kind === 'devices') {
          const created = await applyDevices(tx, plan as Plan<DeviceValues>);
          // new devices are enrolled, as when registered one by one
          result.enrolments = await this.deviceKeys.issueIn(tx, created, 0);
        } else if (kind === 'scenarios') await applyScenarios(tx, plan as Plan<ScenarioValues>);
        else await applyDestinations(tx, plan as Plan<DestinationValues>);
        const { problems: _none, enrolments: _secrets, ...counts } = result;
        if (plan.creates.length + plan.updates.length > 0) {
          await tx.audit('import', 'bulk_import', kind, null, { kind, ...counts });
        }
        return result;
      });
    } catch (err) {
      if (err instanceof ImportRefused) return err.outcome;
      throw err;
    }
  }

  private plan(sql: Sql, kind: BulkKind, rows: readonly CsvRow[]): Promise<Plan<unknown>> {
    if (kind === 'users') return planUsers(sql, rows);
    if (kind === 'devices') return planDevices(sql, rows);
    if (kind === 'scenarios') return planScenarios(sql, rows);
    return planDestinations(sql, rows);
  }
}

function outcome(plan: Plan<unknown>, earlier: readonly CsvProblem[], rowCount: number): ImportOutcome {
  const problems = [...earlier, ...plan.problems].sort((a, b) => a.line - b.line);
  return {
    rows: rowCount,
    created: plan.creates.length,
    updated: plan.updates.length,
    unchanged: plan.unchanged,
    ...(plan.extensionsToCreate.length > 0 ? { extensionsCreated: plan.extensionsToCreate.length } : {}),
    problems,
  };
}

/** Writers wait (readers do not) while an import checks and writes, so what it checked stays true. */
async function lockTables(tx: Tx, kind: BulkKind): Promise<void> {
  if (kind === 'scenarios') {
    // the names the rows resolve stay as checked; other writers of scenarios wait
    await tx.client.query('LOCK TABLE extensions, destinations, locations IN SHARE MODE');
    await tx.client.query('LOCK TABLE scenarios IN EXCLUSIVE MODE');
  } else if (kind === 'destinations') {
    await tx.client.query('LOCK TABLE extensions IN SHARE MODE');
    await tx.client.query('LOCK TABLE destinations IN EXCLUSIVE MODE');
  } else {
    await tx.client.query('LOCK TABLE extensions IN EXCLUSIVE MODE');
    if (kind === 'devices') {
      await tx.client.query('LOCK TABLE devices IN EXCLUSIVE MODE');
      await tx.client.query('LOCK TABLE device_wifi_macs IN EXCLUSIVE MODE');
    }
  }
}

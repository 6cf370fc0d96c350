// How long presence history and call history are kept: the 'privacy' row of `settings`, or the
// configured default (ADMIN_RETENTION_DAYS) while nobody set one. Changes are audited.
import type { Pool } from '@sa/platform';
import type { ChangeRunner } from '../adapters/pg/change-set.js';

export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3650;

export interface PrivacySettings {
  readonly retentionDays: number;
  /** true: nobody set it, this is ADMIN_RETENTION_DAYS */
  readonly isDefault: boolean;
}

const KEY = 'privacy';

export class PgPrivacySettings {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly defaultRetentionDays: number,
  ) {}

  async get(): Promise<PrivacySettings> {
    const { rows } = await this.pool.query<{ value: { retentionDays?: unknown } }>(
      'SELECT value FROM settings WHERE name = $1',
      [KEY],
    );
    return this.#from(rows[0]?.value);
  }

  /** Sets the retention (the caller validated the range); returns the settings now in force. */
  put(actor: string, retentionDays: number): Promise<PrivacySettings> {
    return this.changes.run(actor, async (tx) => {
      const before = await tx.client.query<{ value: { retentionDays?: unknown } }>(
        'SELECT value FROM settings WHERE name = $1 FOR UPDATE',
        [KEY],
      );
      const value = { retentionDays };
      await tx.client.query(
        `INSERT INTO settings (name, value, updated_by) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = $3`,
        [KEY, JSON.stringify(value), actor],
      );
      await tx.audit('update', 'settings', KEY, this.#from(before.rows[0]?.value), value);
      return { retentionDays, isDefault: false };
    });
  }

  #from(value: { retentionDays?: unknown } | undefined): PrivacySettings {
    const days = value?.retentionDays;
    return typeof days === 'number' && Number.isInteger(days) && days >= RETENTION_DAYS_MIN
      ? { retentionDays: Math.min(days, RETENTION_DAYS_MAX), isDefault: false }
      : { retentionDays: this.defaultRetentionDays, isDefault: true };
  }
}

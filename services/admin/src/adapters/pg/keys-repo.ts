// Server keys: secrets sealed under the KEK, never returned by list. Rotation adds a new active key
// and moves the previous active ones to "retiring" until now + overlap; a sweep retires them.
import type { Pool } from '@sa/platform';
import { SERVER_KEY } from '../../domain/naming.js';
import type { SecretBox } from '../../domain/secret-box.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner } from './change-set.js';
import { SERVER_KEYS_DISABLED } from './snapshots.js';

export const DEFAULT_SERVER_KEY = '1234567890123456';

export interface KeyView {
  keyId: number;
  state: 'active' | 'retiring' | 'retired';
  notAfter: string | null;
  isDefault: boolean;
  createdAt: string;
  createdBy: string;
}

interface Row {
  key_id: number;
  state: KeyView['state'];
  not_after: Date | null;
  is_default: boolean;
  created_at: Date;
  created_by: string;
}

const view = (r: Row): KeyView => ({
  keyId: r.key_id,
  state: r.state,
  notAfter: r.not_after?.toISOString() ?? null,
  isDefault: r.is_default,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});

export class KeysRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly box: SecretBox,
  ) {}

  async list(): Promise<KeyView[]> {
    const { rows } = await this.pool.query<Row>(
      'SELECT key_id, state, not_after, is_default, created_at, created_by FROM server_keys WHERE device_id IS NULL ORDER BY key_id',
    );
    return rows.map(view);
  }

  /** First start: key id 1 = the well-known default key, so phones shipped with it keep working. */
  async ensureDefault(): Promise<boolean> {
    return this.changes.run('system', async (tx) => {
      await tx.client.query('LOCK TABLE server_keys IN EXCLUSIVE MODE');
      const { rowCount } = await tx.client.query(
        `SELECT 1 FROM server_keys WHERE device_id IS NULL
         UNION ALL SELECT 1 FROM settings WHERE name = $1 LIMIT 1`,
        [SERVER_KEYS_DISABLED],
      );
      if (rowCount) return false;
      await tx.client.query(
        `INSERT INTO server_keys (secret_sealed, state, is_default, created_by) VALUES ($1, 'active', true, 'system')`,
        [this.box.seal(Buffer.from(DEFAULT_SERVER_KEY))],
      );
      await tx.audit('create', 'server_key', '1', null, { keyId: 1, isDefault: true });
      tx.keyRingChanged();
      return true;
    });
  }

  async defaultKeyActive(): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM server_keys WHERE is_default AND state <> 'retired' AND device_id IS NULL`,
    );
    return (rowCount ?? 0) > 0;
  }

  rotate(actor: string, secret: string, overlapSeconds: number): Promise<KeyView> {
    if (!SERVER_KEY.test(secret)) {
      throw new AdminError('ADMIN_KEY_INVALID', 'secret: must be exactly 16 ASCII letters or digits', {
        field: 'secret',
      });
    }
    return this.changes.run(actor, async (tx) => {
      await tx.client.query('LOCK TABLE server_keys IN EXCLUSIVE MODE');
      const off = await tx.client.query("SELECT 1 FROM settings WHERE name = $1 AND value = 'true'", [
        SERVER_KEYS_DISABLED,
      ]);
      if (off.rowCount) {
        throw new AdminError(
          'ADMIN_SERVER_KEYS_DISABLED',
          'the server keys are turned off for good: enrol devices instead (POST /devices/:deviceId/enrol)',
        );
      }
      const retiring = await tx.client.query<Row>(
        `UPDATE server_keys SET state = 'retiring', not_after = now() + make_interval(secs => $1)
          WHERE state = 'active' AND device_id IS NULL RETURNING key_id, state, not_after, is_default, created_at, created_by`,
        [overlapSeconds],
      );
      const { rows } = await tx.client.query<Row>(
        `INSERT INTO server_keys (secret_sealed, state, is_default, created_by) VALUES ($1, 'active', $2, $3)
         RETURNING key_id, state, not_after, is_default, created_at, created_by`,
        [this.box.seal(Buffer.from(secret)), secret === DEFAULT_SERVER_KEY, actor],
      );
      const created = view(rows[0]!);
      for (const r of retiring.rows)
        await tx.audit('retiring', 'server_key', String(r.key_id), null, view(r));
      await tx.audit('create', 'server_key', String(created.keyId), null, created);
      tx.keyRingChanged();
      return created;
    });
  }

  /**
   * Retires keys whose overlap ended, server keys and devices' own keys; returns how many changed
   * (the ring, or that device's keys, is republished).
   */
  sweep(): Promise<number> {
    return this.changes.run('system', async (tx) => {
      const { rows } = await tx.client.query<Row & { device_id: string | null }>(
        `UPDATE server_keys SET state = 'retired' WHERE state = 'retiring' AND not_after <= now()
         RETURNING key_id, state, not_after, is_default, created_at, created_by, device_id`,
      );
      for (const r of rows) {
        if (r.device_id === null) {
          await tx.audit('retire', 'server_key', String(r.key_id), null, view(r));
          tx.keyRingChanged();
        } else {
          await tx.audit('retire_key', 'device', r.device_id, null, { keyId: r.key_id });
          tx.deviceKeysChanged(r.device_id);
        }
      }
      return rows.length;
    });
  }
}

// Per-device enrolment: each enrolled device gets its own 16-character secret (a server_keys row
// with device_id set, sealed under the KEK). The secret leaves admin once, in the answer that issued
// it (the enrolment payload / QR code); after that only its key id and state are visible. Issuing
// again (re-enrol) retires the device's previous keys at once or after an overlap; revoking retires
// them all and the device is refused until it is enrolled again. The server keys (the original
// model) can be turned off for good, after which every device must be enrolled.
import type { Pool } from '@sa/platform';
import { generateServerKey } from '../../domain/credentials.js';
import type { SecretBox } from '../../domain/secret-box.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';
import { SERVER_KEYS_DISABLED } from './snapshots.js';

/** A secret just issued: shown once, never stored in clear. */
export interface IssuedKey {
  readonly deviceId: string;
  readonly extension: string;
  readonly label: string;
  readonly displayName: string;
  readonly keyId: number;
  readonly secret: string;
}

export interface DeviceKeyView {
  keyId: number;
  state: 'active' | 'retiring' | 'retired';
  notAfter: string | null;
  createdAt: string;
  createdBy: string;
}

export interface ServerKeyStatus {
  /** the server keys are off for good: only enrolled devices are accepted */
  serverKeysDisabled: boolean;
  /** devices that still use the server key (not enrolled) */
  devicesOnServerKey: number;
}

/** Most devices one enrolment sheet may (re-)issue. */
export const MAX_SHEET_DEVICES = 500;

export class DeviceKeysRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly box: SecretBox,
  ) {}

  /**
   * Inside `tx`: marks the devices enrolled and issues each a new key; their previous keys are
   * retired at once (overlapSeconds 0) or stay accepted until now + overlapSeconds. One statement
   * per step whatever the count (bulk import of thousands). Audited as `enrol` without the secret.
   */
  async issueIn(tx: Tx, deviceIds: readonly string[], overlapSeconds: number): Promise<IssuedKey[]> {
    if (deviceIds.length === 0) return [];
    await tx.client.query(
      `UPDATE server_keys SET state = CASE WHEN $2::int = 0 THEN 'retired' ELSE 'retiring' END,
              not_after = CASE WHEN $2::int = 0 THEN now() ELSE now() + make_interval(secs => $2) END
        WHERE device_id = ANY($1::text[]) AND state = 'active'`,
      [deviceIds, overlapSeconds],
    );
    await tx.client.query(
      'UPDATE devices SET enrolled = true, updated_at = now() WHERE device_id = ANY($1::text[]) AND NOT enrolled',
      [deviceIds],
    );
    const secrets = deviceIds.map(() => generateServerKey());
    const { rows } = await tx.client.query<{
      key_id: number;
      device_id: string;
      extension: string;
      label: string;
      display_name: string;
    }>(
      `WITH issued AS (
         INSERT INTO server_keys (secret_sealed, state, device_id, created_by)
         SELECT s, 'active', d, $3 FROM unnest($1::text[], $2::bytea[]) AS u(d, s)
         RETURNING key_id, device_id)
       SELECT i.key_id, i.device_id, d.extension, d.label, e.display_name
         FROM issued i JOIN devices d ON d.device_id = i.device_id JOIN extensions e ON e.extension = d.extension`,
      [deviceIds, secrets.map((s) => this.box.seal(Buffer.from(s))), tx.actor],
    );
    const secretOf = new Map(deviceIds.map((id, i) => [id, secrets[i]!]));
    const issued = rows
      .map((r) => ({
        deviceId: r.device_id,
        extension: r.extension,
        label: r.label,
        displayName: r.display_name,
        keyId: r.key_id,
        secret: secretOf.get(r.device_id)!,
      }))
      .sort((a, b) => a.extension.localeCompare(b.extension) || a.deviceId.localeCompare(b.deviceId));
    await tx.auditMany(
      issued.map((k) => ({
        action: 'enrol',
        entity: 'device',
        entityId: k.deviceId,
        before: null,
        after: { keyId: k.keyId, overlapSeconds },
      })),
    );
    for (const k of issued) {
      tx.deviceKeysChanged(k.deviceId);
      tx.deviceChanged(k.deviceId);
    }
    return issued;
  }

  /** (Re-)enrols devices that exist (every one, or none: ADMIN_DEVICE_NOT_FOUND names the first missing). */
  enrol(actor: string, deviceIds: readonly string[], overlapSeconds: number): Promise<IssuedKey[]> {
    return this.changes.run(actor, async (tx) => {
      const { rows } = await tx.client.query<{ device_id: string }>(
        'SELECT device_id FROM devices WHERE device_id = ANY($1::text[]) FOR UPDATE',
        [deviceIds],
      );
      const known = new Set(rows.map((r) => r.device_id));
      const missing = deviceIds.find((id) => !known.has(id));
      if (missing !== undefined) {
        throw new AdminError('ADMIN_DEVICE_NOT_FOUND', `no device ${missing}`, { field: 'deviceId' });
      }
      return this.issueIn(tx, [...known], overlapSeconds);
    });
  }

  /** Retires every key of the device; it stays enrolled, so it is refused until enrolled again. */
  revoke(actor: string, deviceId: string): Promise<{ revokedKeyIds: number[] }> {
    return this.changes.run(actor, async (tx) => {
      const device = await tx.client.query('SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE', [
        deviceId,
      ]);
      if (!device.rowCount) {
        throw new AdminError('ADMIN_DEVICE_NOT_FOUND', `no device ${deviceId}`, { field: 'deviceId' });
      }
      const { rows } = await tx.client.query<{ key_id: number }>(
        `UPDATE server_keys SET state = 'retired', not_after = now()
          WHERE device_id = $1 AND state <> 'retired' RETURNING key_id`,
        [deviceId],
      );
      await tx.client.query('UPDATE devices SET enrolled = true, updated_at = now() WHERE device_id = $1', [
        deviceId,
      ]);
      const revokedKeyIds = rows.map((r) => r.key_id).sort((a, b) => a - b);
      await tx.audit('revoke_keys', 'device', deviceId, { keyIds: revokedKeyIds }, { keyIds: [] });
      tx.deviceKeysChanged(deviceId);
      tx.deviceChanged(deviceId);
      return { revokedKeyIds };
    });
  }

  /** The device's keys, newest first (never secrets). */
  async list(deviceId: string): Promise<DeviceKeyView[]> {
    const { rows } = await this.pool.query<{
      key_id: number;
      state: DeviceKeyView['state'];
      not_after: Date | null;
      created_at: Date;
      created_by: string;
    }>(
      `SELECT key_id, state, not_after, created_at, created_by FROM server_keys
        WHERE device_id = $1 ORDER BY key_id DESC LIMIT 20`,
      [deviceId],
    );
    return rows.map((r) => ({
      keyId: r.key_id,
      state: r.state,
      notAfter: r.not_after?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by,
    }));
  }

  async status(): Promise<ServerKeyStatus> {
    const { rows } = await this.pool.query<{ disabled: boolean; on_server_key: string }>(
      `SELECT EXISTS (SELECT 1 FROM settings WHERE name = $1 AND value = 'true') AS disabled,
              (SELECT count(*) FROM devices WHERE NOT enrolled) AS on_server_key`,
      [SERVER_KEYS_DISABLED],
    );
    return { serverKeysDisabled: rows[0]!.disabled, devicesOnServerKey: Number(rows[0]!.on_server_key) };
  }

  /**
   * Turns the server keys off for good: every server key is retired and none can be added again;
   * devices still on the server key are refused from then on. Refused while such devices exist,
   * unless `force`.
   */
  disableServerKeys(actor: string, force: boolean): Promise<ServerKeyStatus> {
    return this.changes.run(actor, async (tx) => {
      await tx.client.query('LOCK TABLE server_keys IN EXCLUSIVE MODE');
      const { rows } = await tx.client.query<{ n: string }>(
        'SELECT count(*) AS n FROM devices WHERE NOT enrolled',
      );
      const onServerKey = Number(rows[0]!.n);
      if (onServerKey > 0 && !force) {
        throw new AdminError(
          'ADMIN_SERVER_KEY_IN_USE',
          `${onServerKey} devices still use the server key and would be refused: enrol them first, or send force: true`,
          { field: 'force', devicesOnServerKey: onServerKey },
        );
      }
      const retired = await tx.client.query<{ key_id: number }>(
        `UPDATE server_keys SET state = 'retired', not_after = now()
          WHERE device_id IS NULL AND state <> 'retired' RETURNING key_id`,
      );
      await tx.client.query(
        `INSERT INTO settings (name, value, updated_by) VALUES ($1, 'true', $2)
         ON CONFLICT (name) DO UPDATE SET value = 'true', updated_at = now(), updated_by = $2`,
        [SERVER_KEYS_DISABLED, actor],
      );
      await tx.audit(
        'disable_server_keys',
        'server_key',
        '*',
        { retiredKeyIds: retired.rows.map((r) => r.key_id) },
        { serverKeysDisabled: true, devicesOnServerKey: onServerKey },
      );
      tx.keyRingChanged();
      return { serverKeysDisabled: true, devicesOnServerKey: onServerKey };
    });
  }
}

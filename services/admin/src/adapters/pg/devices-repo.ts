// Devices and their licences. Every write goes through ChangeRunner (audit + outbox in the same tx).
import type { KeyObject } from 'node:crypto';
import type { Pool } from '@sa/platform';
import { LicenceError, verifyLicence } from '../../domain/licence.js';
import { effectiveTier, permissionsFor, type Tier } from '../../domain/permissions.js';
import { normaliseMacList } from '../../domain/wifi-mac.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { DeviceKeysRepo, IssuedKey } from './device-keys-repo.js';

/** How a device's packets are keyed: its own enrolled key, or the shared server key (the original). */
export type KeyMode = 'device_key' | 'server_key';

export interface DeviceView {
  deviceId: string;
  extension: string;
  enabled: boolean;
  allowCreateTargets: boolean;
  label: string;
  tier: Tier;
  permissions: { genericDestinations: boolean; specificDestinations: boolean; createTargets: boolean };
  licence: { tier: Tier; issuedAt: string; expiresAt: string; issuerKeyId: string } | null;
  keyMode: KeyMode;
  /** the newest active own key (null: server-key device, or enrolled with every key revoked) */
  activeKeyId: number | null;
  /** Wi-Fi MAC addresses (lower-case aa:bb:cc:dd:ee:ff, sorted) RADIUS accounting names it by */
  wifiMacs: string[];
  createdAt: string;
  updatedAt: string;
}

interface Row {
  device_id: string;
  extension: string;
  enabled: boolean;
  allow_create_targets: boolean;
  label: string;
  created_at: Date;
  updated_at: Date;
  tier: Tier | null;
  issued_at: Date | null;
  expires_at: Date | null;
  issuer_key_id: string | null;
  enrolled: boolean;
  active_key_id: number | null;
  wifi_macs: string[];
}

const SELECT = `SELECT d.device_id, d.extension, d.enabled, d.allow_create_targets, d.label, d.created_at, d.updated_at,
  l.tier, l.issued_at, l.expires_at, l.issuer_key_id, d.enrolled,
  (SELECT max(k.key_id) FROM server_keys k WHERE k.device_id = d.device_id AND k.state = 'active') AS active_key_id,
  ARRAY(SELECT m.mac FROM device_wifi_macs m WHERE m.device_id = d.device_id ORDER BY m.mac) AS wifi_macs
  FROM devices d LEFT JOIN licences l ON l.id = d.licence_id`;

function view(r: Row, nowMs = Date.now()): DeviceView {
  const licence = r.tier && r.expires_at ? { tier: r.tier, expiresAtMs: r.expires_at.getTime() } : null;
  const tier = effectiveTier(licence, nowMs);
  return {
    deviceId: r.device_id,
    extension: r.extension,
    enabled: r.enabled,
    allowCreateTargets: r.allow_create_targets,
    label: r.label,
    tier,
    permissions: permissionsFor(tier, r.allow_create_targets),
    licence:
      r.tier && r.issued_at && r.expires_at
        ? {
            tier: r.tier,
            issuedAt: r.issued_at.toISOString(),
            expiresAt: r.expires_at.toISOString(),
            issuerKeyId: r.issuer_key_id ?? '',
          }
        : null,
    keyMode: r.enrolled ? 'device_key' : 'server_key',
    activeKeyId: r.active_key_id,
    wifiMacs: r.wifi_macs,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Smallest string greater than every string starting with `prefix` (prefix is digits only). */
function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export interface DeviceInput {
  deviceId: string;
  extension: string;
  enabled?: boolean;
  allowCreateTargets?: boolean;
  label?: string;
  licence?: string;
  /** default device_key: enrolled with a new own key, whose secret the answer carries once */
  keyMode?: KeyMode;
  /** any accepted spelling (domain/wifi-mac.ts); stored normalised */
  wifiMacs?: readonly string[];
}

export interface DevicePatch {
  extension?: string;
  enabled?: boolean;
  allowCreateTargets?: boolean;
  label?: string;
  /** replaces the device's MACs ([] removes them all) */
  wifiMacs?: readonly string[];
}

/** The MACs normalised, or ADMIN_WIFI_MAC_INVALID naming the one that is wrong. */
function macsOf(inputs: readonly string[]): string[] {
  const r = normaliseMacList(inputs);
  if ('problem' in r) {
    throw new AdminError('ADMIN_WIFI_MAC_INVALID', `wifiMacs[${r.index}]: ${r.problem}`, {
      field: 'wifiMacs',
      index: r.index,
      value: inputs[r.index] ?? null,
    });
  }
  return r.macs;
}

/**
 * Inside `tx`: makes `macs` (normalised) the device's MACs. A MAC of another device is
 * ADMIN_WIFI_MAC_IN_USE naming that device.
 */
async function setWifiMacs(tx: Tx, deviceId: string, macs: readonly string[]): Promise<void> {
  const taken = await tx.client.query<{ mac: string; device_id: string }>(
    `SELECT mac, device_id FROM device_wifi_macs WHERE mac = ANY($1::text[]) AND device_id <> $2 ORDER BY mac LIMIT 1`,
    [macs, deviceId],
  );
  const other = taken.rows[0];
  if (other) {
    throw new AdminError(
      'ADMIN_WIFI_MAC_IN_USE',
      `wifiMacs: ${other.mac} already belongs to device ${other.device_id}; remove it there first`,
      { field: 'wifiMacs', mac: other.mac, deviceId: other.device_id },
    );
  }
  await tx.client.query('DELETE FROM device_wifi_macs WHERE device_id = $1 AND NOT (mac = ANY($2::text[]))', [
    deviceId,
    macs,
  ]);
  await tx.client.query(
    `INSERT INTO device_wifi_macs (device_id, mac) SELECT $1, m FROM unnest($2::text[]) AS m
     ON CONFLICT (device_id, mac) DO NOTHING`,
    [deviceId, macs],
  );
}

export class DevicesRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly issuerKeys: () => readonly KeyObject[],
    private readonly deviceKeys: DeviceKeysRepo,
  ) {}

  async list(q: {
    limit: number;
    cursor?: string;
    offset?: number;
    extensionPrefix?: string;
    keyMode?: KeyMode;
  }): Promise<{
    items: DeviceView[];
    nextCursor: string | null;
  }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.extensionPrefix) {
      params.push(q.extensionPrefix, prefixUpperBound(q.extensionPrefix));
      where.push(`d.extension >= $${params.length - 1} AND d.extension < $${params.length}`);
    }
    if (q.keyMode) where.push(q.keyMode === 'device_key' ? 'd.enrolled' : 'NOT d.enrolled');
    if (q.cursor) {
      const [ext, id] = decodeCursor(q.cursor, 2);
      params.push(ext, id);
      where.push(`(d.extension, d.device_id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit, q.cursor ? 0 : (q.offset ?? 0));
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.extension, d.device_id LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const { rows } = await this.pool.query<Row>(sql, params);
    const last = rows.at(-1);
    return {
      items: rows.map((r) => view(r)),
      nextCursor: rows.length === q.limit && last ? encodeCursor([last.extension, last.device_id]) : null,
    };
  }

  async get(deviceId: string): Promise<DeviceView> {
    const { rows } = await this.pool.query<Row>(`${SELECT} WHERE d.device_id = $1`, [deviceId]);
    if (!rows[0]) throw notFound(deviceId);
    return view(rows[0]);
  }

  /** Registers a device; enrolled by default, and then `issued` carries its new secret (once). */
  create(actor: string, input: DeviceInput): Promise<{ device: DeviceView; issued: IssuedKey | null }> {
    const macs = input.wifiMacs === undefined ? [] : macsOf(input.wifiMacs);
    return this.changes.run(actor, async (tx) => {
      const keyMode = input.keyMode ?? 'device_key';
      if (keyMode === 'server_key' && (await this.deviceKeys.status()).serverKeysDisabled) {
        throw new AdminError(
          'ADMIN_SERVER_KEYS_DISABLED',
          'keyMode: server_key is turned off for good; register the device with its own key (device_key)',
          { field: 'keyMode' },
        );
      }
      const ext = await tx.client.query(
        'INSERT INTO extensions (extension) VALUES ($1) ON CONFLICT DO NOTHING RETURNING extension',
        [input.extension],
      );
      if (ext.rowCount)
        await tx.audit('create', 'extension', input.extension, null, { extension: input.extension });
      await tx.client.query(
        `INSERT INTO devices (device_id, extension, enabled, allow_create_targets, label) VALUES ($1, $2, $3, $4, $5)`,
        [
          input.deviceId,
          input.extension,
          input.enabled ?? true,
          input.allowCreateTargets ?? false,
          input.label ?? '',
        ],
      );
      if (macs.length > 0) await setWifiMacs(tx, input.deviceId, macs);
      if (input.licence !== undefined) await this.attachLicence(tx, input.deviceId, input.licence);
      const created = await this.getIn(tx, input.deviceId);
      await tx.audit('create', 'device', input.deviceId, null, created);
      const issued =
        keyMode === 'device_key'
          ? ((await this.deviceKeys.issueIn(tx, [input.deviceId], 0))[0] ?? null)
          : null;
      tx.deviceChanged(input.deviceId);
      tx.userChanged(input.extension);
      return { device: issued ? await this.getIn(tx, input.deviceId) : created, issued };
    });
  }

  update(actor: string, deviceId: string, patch: DevicePatch): Promise<DeviceView> {
    const macs = patch.wifiMacs === undefined ? null : macsOf(patch.wifiMacs);
    return this.changes.run(actor, async (tx) => {
      const before = await this.getIn(tx, deviceId, true);
      if (patch.extension !== undefined && patch.extension !== before.extension) {
        const known = await tx.client.query('SELECT 1 FROM extensions WHERE extension = $1', [
          patch.extension,
        ]);
        if (known.rowCount === 0) {
          throw new AdminError(
            'ADMIN_EXTENSION_UNKNOWN',
            `extension ${patch.extension} is not known; create it first`,
            {
              field: 'extension',
            },
          );
        }
      }
      await tx.client.query(
        `UPDATE devices SET extension = COALESCE($2, extension), enabled = COALESCE($3, enabled),
           allow_create_targets = COALESCE($4, allow_create_targets), label = COALESCE($5, label), updated_at = now()
         WHERE device_id = $1`,
        [
          deviceId,
          patch.extension ?? null,
          patch.enabled ?? null,
          patch.allowCreateTargets ?? null,
          patch.label ?? null,
        ],
      );
      if (macs !== null) await setWifiMacs(tx, deviceId, macs);
      const after = await this.getIn(tx, deviceId);
      await tx.audit('update', 'device', deviceId, before, after);
      tx.deviceChanged(deviceId);
      tx.userChanged(before.extension);
      tx.userChanged(after.extension);
      return after;
    });
  }

  remove(actor: string, deviceId: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.getIn(tx, deviceId, true);
      await tx.client.query('DELETE FROM devices WHERE device_id = $1', [deviceId]);
      await tx.audit('delete', 'device', deviceId, before, null);
      tx.deviceChanged(deviceId);
      tx.userChanged(before.extension);
    });
  }

  uploadLicence(actor: string, deviceId: string, raw: string): Promise<DeviceView> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.getIn(tx, deviceId, true);
      await this.attachLicence(tx, deviceId, raw);
      const after = await this.getIn(tx, deviceId);
      await tx.audit('upload_licence', 'device', deviceId, before.licence, after.licence);
      tx.deviceChanged(deviceId);
      return after;
    });
  }

  private async attachLicence(tx: Tx, deviceId: string, raw: string): Promise<void> {
    const keys = this.issuerKeys();
    if (keys.length === 0) {
      throw new AdminError(
        'ADMIN_LICENCE_NO_ISSUER_KEYS',
        'no licence issuer keys configured (LICENCE_PUBLIC_KEYS)',
      );
    }
    let lic: ReturnType<typeof verifyLicence>;
    try {
      lic = verifyLicence(raw, deviceId, keys, new Date());
    } catch (err) {
      if (err instanceof LicenceError) throw new AdminError(err.code, err.message, { field: 'licence' });
      throw err;
    }
    const { rows } = await tx.client.query<{ id: string }>(
      `INSERT INTO licences (device_id, tier, issued_at, expires_at, issuer_key_id, signature, raw_file)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [deviceId, lic.tier, lic.issuedAt, lic.expiresAt, lic.issuerKeyId ?? '', lic.signature, raw],
    );
    await tx.client.query('UPDATE devices SET licence_id = $2, updated_at = now() WHERE device_id = $1', [
      deviceId,
      rows[0]!.id,
    ]);
  }

  private async getIn(tx: Tx, deviceId: string, lock = false): Promise<DeviceView> {
    const { rows } = await tx.client.query<Row>(
      `${SELECT} WHERE d.device_id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`,
      [deviceId],
    );
    if (!rows[0]) throw notFound(deviceId);
    return view(rows[0]);
  }
}

const notFound = (deviceId: string) =>
  new AdminError('ADMIN_DEVICE_NOT_FOUND', `no device ${deviceId}`, { field: 'deviceId' });

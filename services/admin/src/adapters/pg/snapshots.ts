// Builds the protobuf snapshots other services consume (Device, UserConfig, KeyRing, Target) from
// the rows visible inside the current transaction.
import { type smartassistant, v1 } from '@sa/proto';

import { effectiveTier, permissionsFor, type Tier } from '../../domain/permissions.js';
import type { SecretBox } from '../../domain/secret-box.js';
import type { Sql } from './db.js';

const TIER_ENUM: Record<Tier, smartassistant.v1.Tier> = {
  free: v1.Tier.TIER_FREE,
  standard: v1.Tier.TIER_STANDARD,
  premium: v1.Tier.TIER_PREMIUM,
};
const KEY_STATE: Record<string, smartassistant.v1.KeyState> = {
  active: v1.KeyState.KEY_STATE_ACTIVE,
  retiring: v1.KeyState.KEY_STATE_RETIRING,
  retired: v1.KeyState.KEY_STATE_RETIRED,
};

export const tierEnum = (tier: Tier): smartassistant.v1.Tier => TIER_ENUM[tier];

export interface DeviceRow {
  device_id: string;
  extension: string;
  enabled: boolean;
  enrolled: boolean;
  allow_create_targets: boolean;
  tier: Tier | null;
  expires_at: Date | null;
  /** lower-case aa:bb:cc:dd:ee:ff, sorted */
  wifi_macs: string[];
}

const DEVICE_COLUMNS = `d.device_id, d.extension, d.enabled, d.enrolled, d.allow_create_targets, l.tier, l.expires_at,
  ARRAY(SELECT m.mac FROM device_wifi_macs m WHERE m.device_id = d.device_id ORDER BY m.mac) AS wifi_macs`;

export const DEVICE_SNAPSHOT_SQL = `SELECT ${DEVICE_COLUMNS}
  FROM devices d LEFT JOIN licences l ON l.id = d.licence_id WHERE d.device_id = $1`;

export function deviceMessage(row: DeviceRow, nowMs = Date.now()): smartassistant.v1.Device {
  const licence =
    row.tier && row.expires_at ? { tier: row.tier, expiresAtMs: row.expires_at.getTime() } : null;
  const tier = effectiveTier(licence, nowMs);
  const p = permissionsFor(tier, row.allow_create_targets);
  return v1.Device.create({
    deviceId: row.device_id,
    extension: row.extension,
    enabled: row.enabled,
    enrolled: row.enrolled,
    allowCreateTargets: row.allow_create_targets,
    tier: TIER_ENUM[tier],
    licenceExpiresAtMs: licence?.expiresAtMs ?? 0,
    permissions: {
      genericDestinations: p.genericDestinations,
      specificDestinations: p.specificDestinations,
      createTargets: p.createTargets,
    },
    wifiMacs: row.wifi_macs ?? [],
  });
}

export async function deviceSnapshot(sql: Sql, deviceId: string): Promise<smartassistant.v1.Device | null> {
  const { rows } = await sql.query<DeviceRow>(DEVICE_SNAPSHOT_SQL, [deviceId]);
  return rows[0] ? deviceMessage(rows[0]) : null;
}

/** Many devices in one query (bulk changes); a missing id has no entry. */
export async function deviceSnapshots(
  sql: Sql,
  deviceIds: readonly string[],
): Promise<Map<string, smartassistant.v1.Device>> {
  const { rows } = await sql.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS}
       FROM devices d LEFT JOIN licences l ON l.id = d.licence_id WHERE d.device_id = ANY($1::text[])`,
    [deviceIds],
  );
  const nowMs = Date.now();
  return new Map(rows.map((r) => [r.device_id, deviceMessage(r, nowMs)]));
}

export interface DestinationRow {
  id: string;
  name: string;
  dial: string;
  scope: 'generic' | 'specific';
  extension: string | null;
  created_by: string;
}

export function targetMessage(row: DestinationRow): smartassistant.v1.Target {
  return v1.Target.create({
    id: row.id,
    name: row.name,
    dial: row.dial,
    generic: row.scope === 'generic',
    extension: row.extension ?? '',
    createdBy: row.created_by,
  });
}

export interface RuleJson {
  kind: 'location' | 'explicit' | 'time_window';
  locationId?: string;
  window?: { start: string; end: string; weekdays?: number[]; timeZone?: string };
}

const RULE_KIND = {
  location: v1.RuleKind.RULE_KIND_LOCATION,
  explicit: v1.RuleKind.RULE_KIND_EXPLICIT,
  time_window: v1.RuleKind.RULE_KIND_TIME_WINDOW,
} as const;

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

export function ruleMessage(rule: RuleJson): smartassistant.v1.Rule {
  return v1.Rule.create({
    kind: RULE_KIND[rule.kind],
    locationId: rule.locationId ?? '',
    ...(rule.window
      ? {
          window: {
            startMinute: minutes(rule.window.start),
            endMinute: minutes(rule.window.end),
            weekdays: rule.window.weekdays ?? [],
            timeZone: rule.window.timeZone ?? '',
          },
        }
      : {}),
  });
}

export async function userSnapshot(sql: Sql, extension: string): Promise<smartassistant.v1.UserConfig> {
  return (await userSnapshots(sql, [extension])).get(extension)!;
}

/** Several users' configs in four queries whatever their number; an unknown extension is `deleted`. */
export async function userSnapshots(
  sql: Sql,
  extensions: readonly string[],
): Promise<Map<string, smartassistant.v1.UserConfig>> {
  const exts = [...extensions];
  const existing = await sql.query<{ extension: string; paused: boolean }>(
    'SELECT extension, location_paused_at IS NOT NULL AS paused FROM extensions WHERE extension = ANY($1::text[])',
    [exts],
  );
  const known = new Set(existing.rows.map((r) => r.extension));
  const paused = new Set(existing.rows.filter((r) => r.paused).map((r) => r.extension));
  const scenarios = await sql.query<
    DestinationRow & {
      owner: string;
      sid: string;
      sname: string;
      position: number;
      rules: RuleJson[];
      is_default: boolean;
    }
  >(
    `SELECT s.extension AS owner, s.id AS sid, s.name AS sname, s.position, s.rules, s.is_default,
            t.id, t.name, t.dial, t.scope, t.extension, t.created_by
       FROM scenarios s JOIN destinations t ON t.id = s.destination_id
      WHERE s.extension = ANY($1::text[]) ORDER BY s.extension, s.position`,
    [exts],
  );
  const locationIds = [
    ...new Set(scenarios.rows.flatMap((s) => s.rules.flatMap((r) => (r.locationId ? [r.locationId] : [])))),
  ];
  const locations = locationIds.length
    ? (
        await sql.query<{ id: string; name: string; ssids: string[]; bssids: string[] }>(
          'SELECT id, name, ssids, bssids FROM locations WHERE id = ANY($1::uuid[]) ORDER BY name',
          [locationIds],
        )
      ).rows
    : [];
  const devices = await sql.query<{ extension: string; device_id: string }>(
    'SELECT extension, device_id FROM devices WHERE extension = ANY($1::text[]) ORDER BY extension, device_id',
    [exts],
  );
  const scenariosOf = groupBy(scenarios.rows, (s) => s.owner);
  const devicesOf = groupBy(devices.rows, (d) => d.extension);
  const configs = new Map<string, smartassistant.v1.UserConfig>();
  for (const extension of exts) {
    if (!known.has(extension)) {
      configs.set(extension, v1.UserConfig.create({ extension, deleted: true }));
      continue;
    }
    const own = scenariosOf.get(extension) ?? [];
    const used = new Set(own.flatMap((s) => s.rules.flatMap((r) => (r.locationId ? [r.locationId] : []))));
    configs.set(
      extension,
      v1.UserConfig.create({
        extension,
        scenarios: own.map((s) =>
          v1.Scenario.create({
            id: s.sid,
            name: s.sname,
            rules: s.rules.map(ruleMessage),
            target: targetMessage(s),
            priority: s.position,
            isDefault: s.is_default,
          }),
        ),
        locations: locations.filter((l) => used.has(l.id)).map((l) => v1.Location.create(l)),
        deviceIds: (devicesOf.get(extension) ?? []).map((d) => d.device_id),
        locationPaused: paused.has(extension),
      }),
    );
  }
  return configs;
}

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

export const SERVER_KEYS_DISABLED = 'server_keys_disabled';

interface KeyRow {
  key_id: number;
  secret_sealed: Buffer;
  state: string;
  not_after: Date | null;
  is_default: boolean;
  device_id: string | null;
}

const keyMessage = (box: SecretBox, k: KeyRow): smartassistant.v1.ServerKey =>
  v1.ServerKey.create({
    keyId: k.key_id,
    secret: box.open(k.secret_sealed),
    state: KEY_STATE[k.state],
    notAfterMs: k.not_after?.getTime() ?? 0,
    isDefault: k.is_default,
    deviceId: k.device_id ?? '',
  });

/** The server-wide keys (device keys are in deviceKeysSnapshots) and whether they are turned off. */
export async function keyRingSnapshot(sql: Sql, box: SecretBox): Promise<smartassistant.v1.KeyRingChanged> {
  const { rows } = await sql.query<KeyRow>(
    `SELECT key_id, secret_sealed, state, not_after, is_default, device_id
       FROM server_keys WHERE state <> 'retired' AND device_id IS NULL ORDER BY key_id`,
  );
  const disabled = await sql.query('SELECT 1 FROM settings WHERE name = $1 AND value = $2', [
    SERVER_KEYS_DISABLED,
    'true',
  ]);
  return v1.KeyRingChanged.create({
    keys: rows.map((k) => keyMessage(box, k)),
    serverKeysDisabled: (disabled.rowCount ?? 0) > 0,
  });
}

/** Each device's keys that ingest may still accept; a device without any has no entry. */
export async function deviceKeysSnapshots(
  sql: Sql,
  box: SecretBox,
  deviceIds: readonly string[],
): Promise<Map<string, smartassistant.v1.DeviceKeys>> {
  const { rows } = await sql.query<KeyRow>(
    `SELECT key_id, secret_sealed, state, not_after, is_default, device_id
       FROM server_keys WHERE state <> 'retired' AND device_id = ANY($1::text[]) ORDER BY key_id`,
    [deviceIds],
  );
  const out = new Map<string, smartassistant.v1.DeviceKeys>();
  for (const k of rows) {
    const id = k.device_id!;
    let entry = out.get(id);
    if (!entry) {
      entry = v1.DeviceKeys.create({ deviceId: id, keys: [] });
      out.set(id, entry);
    }
    entry.keys.push(keyMessage(box, k));
  }
  return out;
}

/** Every accounting client (access point), secrets opened: the radius-clients bucket's one value. */
export async function accountingClientsSnapshot(
  sql: Sql,
  box: SecretBox,
): Promise<smartassistant.v1.AccountingClients> {
  const { rows } = await sql.query<{
    id: string;
    name: string;
    network: string;
    secret_sealed: Buffer;
    enabled: boolean;
  }>('SELECT id, name, network, secret_sealed, enabled FROM accounting_clients ORDER BY name');
  return v1.AccountingClients.create({
    clients: rows.map((r) =>
      v1.AccountingClient.create({
        id: r.id,
        name: r.name,
        network: r.network,
        secret: box.open(r.secret_sealed),
        enabled: r.enabled,
      }),
    ),
  });
}

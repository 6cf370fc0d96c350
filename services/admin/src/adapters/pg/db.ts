// The one place that runs SQL transactions: translates pg errors into AdminError at the edge.
import type { Pool, PoolClient } from '@sa/platform';
import { AdminError } from '../../errors.js';

export type Sql = Pick<PoolClient, 'query'>;

export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw translatePgError(err);
  } finally {
    client.release();
  }
}

// What a database that is restarting or unreachable looks like to the pg client: a refused or
// reset connection, a connect timeout, a terminated connection, or the server's own "shutting
// down / starting up" (SQLSTATE 57P01-57P03) and connection-exception (08xxx) codes.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
]);
const UNREACHABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed/i;

/** true: the database could not be reached; the request changed nothing it had not committed */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (UNREACHABLE_CODES.has(code) || /^08/.test(code)) return true;
  return typeof e?.message === 'string' && UNREACHABLE_TEXT.test(e.message);
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Constraint names -> domain errors; anything else passes through unchanged. */
export function translatePgError(err: unknown): unknown {
  if (err instanceof AdminError) return err;
  const e = err as PgError;
  const c = e.constraint ?? '';
  if (e.code === '23505') {
    if (c === 'devices_pkey')
      return new AdminError('ADMIN_DEVICE_EXISTS', 'a device with this id is already registered', {
        field: 'deviceId',
      });
    if (c === 'destinations_name_key')
      return new AdminError('ADMIN_DESTINATION_EXISTS', 'a destination with this name exists', {
        field: 'name',
      });
    if (c === 'locations_shared_name' || c === 'locations_own_name')
      return new AdminError('ADMIN_LOCATION_EXISTS', 'a location with this name exists', { field: 'name' });
    if (c === 'extensions_pkey')
      return new AdminError('ADMIN_EXTENSION_EXISTS', 'this extension already exists', {
        field: 'extension',
      });
    if (c === 'accounting_clients_name_key')
      return new AdminError('ADMIN_ACCOUNTING_CLIENT_EXISTS', 'an accounting client with this name exists', {
        field: 'name',
      });
    if (c === 'device_wifi_macs_mac_key')
      return new AdminError(
        'ADMIN_WIFI_MAC_IN_USE',
        'a Wi-Fi MAC address was just given to another device at the same time',
        { field: 'wifiMacs' },
      );
    if (c === 'api_tokens_name_key')
      return new AdminError('ADMIN_TOKEN_EXISTS', 'an API token with this name exists', { field: 'name' });
    if (c === 'scenarios_extension_name_key')
      return new AdminError('ADMIN_SCENARIO_EXISTS', 'the user already has a scenario with this name', {
        field: 'name',
      });
    if (c.startsWith('scenarios_'))
      return new AdminError(
        'ADMIN_SCENARIO_INVALID',
        'scenario names must be unique and only one may be the default',
        { field: 'scenarios' },
      );
  }
  if (e.code === '23503') {
    if (c === 'scenarios_destination_id_fkey')
      return new AdminError('ADMIN_DESTINATION_IN_USE', 'scenarios still route to this destination', {
        field: 'id',
      });
    if (c.includes('extension_fkey'))
      return new AdminError(
        'ADMIN_EXTENSION_IN_USE',
        'the extension still has devices, destinations or scenarios',
        { field: 'extension' },
      );
  }
  return err;
}

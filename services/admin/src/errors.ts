// Admin's error catalogue: every code, its HTTP status and what it means. errors.test.ts checks that
// each code is documented in docs/api.md.
import { AppError, defineErrors } from '@sa/platform';

export const ERRORS = defineErrors('ADMIN', {
  ADMIN_REQUEST_INVALID: { status: 400, text: 'a field of the request is missing or malformed' },
  ADMIN_REQUEST_TOO_LARGE: { status: 413, text: 'the request body exceeds the size limit' },
  ADMIN_AUTH_REQUIRED: { status: 401, text: 'no valid session or API token' },
  ADMIN_AUTH_FAILED: { status: 401, text: 'wrong username or password' },
  ADMIN_AUTH_RATE_LIMITED: { status: 429, text: 'too many requests; retry later' },
  ADMIN_FORBIDDEN: {
    status: 403,
    text: "the account's role does not allow this route (helpdesk: devices and the board only)",
  },
  ADMIN_CROSS_ORIGIN: {
    status: 403,
    text: 'a browser request from another origin (Origin / Sec-Fetch-Site) may not change anything',
  },
  ADMIN_ACCOUNT_NOT_FOUND: { status: 404, text: 'no admin account with that username' },
  ADMIN_ACCOUNT_EXISTS: { status: 409, text: 'an admin account with that username exists' },
  ADMIN_ACCOUNT_LAST_ADMINISTRATOR: {
    status: 409,
    text: 'the last enabled administrator cannot be deleted, disabled or demoted',
  },
  ADMIN_PASSWORD_WRONG: { status: 422, text: 'the current password is wrong' },
  ADMIN_ROUTE_NOT_FOUND: { status: 404, text: 'no such route' },
  ADMIN_DEVICE_NOT_FOUND: { status: 404, text: 'no device with that id' },
  ADMIN_DEVICE_EXISTS: { status: 409, text: 'a device with that id is already registered' },
  ADMIN_EXTENSION_UNKNOWN: { status: 422, text: 'the extension is not known to admin' },
  ADMIN_EXTENSION_EXISTS: { status: 409, text: 'the extension already exists' },
  ADMIN_EXTENSION_IN_USE: { status: 409, text: 'the extension still has devices, destinations or scenarios' },
  ADMIN_DESTINATION_NOT_FOUND: { status: 404, text: 'no destination with that id' },
  ADMIN_DESTINATION_NAME_INVALID: { status: 422, text: 'destination names are SMART-<Name> or <ext>-<Name>' },
  ADMIN_DESTINATION_EXISTS: { status: 409, text: 'a destination with that name exists' },
  ADMIN_DESTINATION_IN_USE: { status: 409, text: 'scenarios still use this destination' },
  ADMIN_LOCATION_NOT_FOUND: { status: 404, text: 'no location with that id' },
  ADMIN_LOCATION_EXISTS: { status: 409, text: 'a location with that name exists' },
  ADMIN_LOCATION_IN_USE: { status: 409, text: 'scenarios still use this location' },
  ADMIN_SCENARIO_INVALID: { status: 422, text: 'a scenario refers to something unknown or breaks a rule' },
  ADMIN_SCENARIO_NOT_FOUND: { status: 404, text: 'no scenario with that id for this user' },
  ADMIN_SCENARIO_EXISTS: { status: 409, text: 'the user already has a scenario with that name' },
  ADMIN_SCENARIO_LOCKED: { status: 403, text: 'an administrator locked this scenario' },
  ADMIN_TIER_FORBIDS: { status: 403, text: "the user's licence tier does not allow this" },
  ADMIN_LIMIT_REACHED: { status: 409, text: 'the user has as many scenarios or places as allowed' },
  ADMIN_LICENCE_INVALID: { status: 422, text: 'the licence file is malformed' },
  ADMIN_LICENCE_BAD_SIGNATURE: {
    status: 422,
    text: 'the licence signature does not verify with any issuer key',
  },
  ADMIN_LICENCE_WRONG_DEVICE: { status: 422, text: 'the licence was issued for another device' },
  ADMIN_LICENCE_EXPIRED: { status: 422, text: 'the licence has expired' },
  ADMIN_LICENCE_ISSUED_IN_FUTURE: {
    status: 422,
    text: "the licence's issuedAt is more than 5 minutes after the server's clock",
  },
  ADMIN_LICENCE_NO_ISSUER_KEYS: { status: 503, text: 'LICENCE_PUBLIC_KEYS is not configured' },
  ADMIN_KEY_INVALID: { status: 422, text: 'a server key is 16 ASCII letters or digits' },
  ADMIN_KEY_NOT_FOUND: { status: 404, text: 'no server key with that id' },
  ADMIN_SERVER_KEYS_DISABLED: {
    status: 409,
    text: 'the server keys are turned off for good; devices must be enrolled with their own keys',
  },
  ADMIN_SERVER_KEY_IN_USE: {
    status: 409,
    text: 'devices still use the server key; enrol them first or force it',
  },
  ADMIN_WIFI_MAC_INVALID: {
    status: 422,
    text: 'a Wi-Fi MAC address is malformed, multicast or broadcast (details: field, index, value)',
  },
  ADMIN_WIFI_MAC_IN_USE: {
    status: 409,
    text: 'a Wi-Fi MAC address already belongs to another device (details: mac, deviceId)',
  },
  ADMIN_ACCOUNTING_CLIENT_NOT_FOUND: {
    status: 404,
    text: 'no accounting client (access point) with that id',
  },
  ADMIN_ACCOUNTING_CLIENT_EXISTS: { status: 409, text: 'an accounting client with that name exists' },
  ADMIN_NETWORK_INVALID: {
    status: 422,
    text: "an accounting client's network is not an IP address or CIDR block",
  },
  ADMIN_TOKEN_EXISTS: { status: 409, text: 'an API token with that name exists' },
  ADMIN_TOKEN_NOT_FOUND: { status: 404, text: 'no API token with that id' },
  ADMIN_PHONE_DEVICE_UNKNOWN: { status: 404, text: 'phone request from an unregistered device' },
  ADMIN_PHONE_DEVICE_DISABLED: { status: 403, text: 'phone request from a disabled device' },
  ADMIN_PHONE_EXTENSION_MISMATCH: { status: 403, text: 'the device is registered to another extension' },
  ADMIN_PHONE_CREATE_FORBIDDEN: {
    status: 403,
    text: 'creating targets needs a premium licence and admin permission',
  },
  ADMIN_IMPORT_FAILED: { status: 502, text: 'the FreePBX database could not be read' },
  ADMIN_IMPORT_ROWS_INVALID: {
    status: 422,
    text: 'rows of the CSV file have problems (each by line and column); nothing was written',
  },
  ADMIN_IMPORT_TOO_MANY_ROWS: { status: 413, text: 'the CSV file has more rows than one import takes' },
  ADMIN_INGEST_UNAVAILABLE: {
    status: 503,
    text: 'ingest did not answer or could not do it (not running, or its Redis is down); nothing changed',
  },
  ADMIN_ME_AUTH_REQUIRED: {
    status: 401,
    text: 'no valid self-service session (sign in at /me/ with extension and password)',
  },
  ADMIN_ME_AUTH_FAILED: { status: 401, text: 'wrong extension or password' },
  ADMIN_ROUTER_UNAVAILABLE: {
    status: 503,
    text: 'the scenario choice could not be handed to router (the bus is down); nothing changed',
  },
  ADMIN_HISTORY_UNAVAILABLE: {
    status: 503,
    text: 'call and presence history are not available on this server',
  },
  ADMIN_DATABASE_UNAVAILABLE: {
    status: 503,
    text: 'the database did not answer (restarting or unreachable); nothing was half-written: retry',
  },
  ADMIN_INTERNAL: { status: 500, text: 'unexpected server error' },
});

export type AdminErrorCode = keyof typeof ERRORS;

export class AdminError extends AppError {
  override readonly name = 'AdminError';
  readonly status: number;
  constructor(
    override readonly code: AdminErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.status = ERRORS[code].status;
  }
}

export const invalid = (field: string, message: string): AdminError =>
  new AdminError('ADMIN_REQUEST_INVALID', `${field}: ${message}`, { field });

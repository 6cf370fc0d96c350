// The enrolment payload (docs/protocol.md section 3.5): what admin shows once as a QR code and the
// phone reads to get its own key. A URI, so a phone's camera app can hand it over as text:
//   smartassistant://enrol?v=1&proto=1&device=..&ext=..&keyId=..&secret=..&host=a,b&port=..[&knock=..][&url=..]
// Strict: every error names its field. The secret never appears in an error message.
import { isIP } from 'node:net';
import { isValidDeviceId, PROTOCOL_VERSION } from './envelope.js';
import { isValidServerSecret } from './key-derivation.js';

/** Version of the payload format (`v`). */
export const ENROLMENT_FORMAT_VERSION = 1;

const PREFIX = 'smartassistant://enrol?';
const MAX_KEY_ID = 0xffff_ffff;
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export interface Enrolment {
  /** payload format version (`v`), ENROLMENT_FORMAT_VERSION */
  readonly version: number;
  /** phone protocol version (`proto`), PROTOCOL_VERSION */
  readonly protocol: number;
  readonly deviceId: string;
  /** informational: the extension the device belongs to ("" when not given) */
  readonly extension: string;
  /** key id of the device's own key in the envelope (1..2^32-1) */
  readonly keyId: number;
  /** the device's own 16-character secret; its AES key is derived with ownerDeviceId = deviceId */
  readonly secret: string;
  /** ingest's addresses (names, IPv4, IPv6 without brackets), to try in order */
  readonly hosts: readonly string[];
  /** ingest's UDP and HTTP port */
  readonly port: number;
  /** port-knock sequence to send first (empty: none) */
  readonly knock: readonly number[];
  /** full URL of ingest's HTTP endpoint (behind a reverse proxy), if not http://host:port/ */
  readonly url?: string;
}

/** What formatEnrolment needs: versions default to this phone's, knock to none, extension to "". */
export type EnrolmentInput = Omit<Enrolment, 'version' | 'protocol' | 'knock' | 'extension'> &
  Partial<Pick<Enrolment, 'version' | 'protocol' | 'knock' | 'extension'>>;

/** A payload that is not a valid enrolment; `field` is the URI parameter at fault. */
export class EnrolmentError extends Error {
  override readonly name = 'EnrolmentError';
  readonly code = 'PHONE_ENROLMENT_INVALID';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** The payload text (a URI) for `e`; throws EnrolmentError if `e` would not parse back. */
export function formatEnrolment(input: EnrolmentInput): string {
  const e: Enrolment = {
    ...input,
    version: input.version ?? ENROLMENT_FORMAT_VERSION,
    protocol: input.protocol ?? PROTOCOL_VERSION,
    extension: input.extension ?? '',
    knock: input.knock ?? [],
  };
  checkVersion('v', 'payload', e.version, ENROLMENT_FORMAT_VERSION);
  checkVersion('proto', 'protocol', e.protocol, PROTOCOL_VERSION);
  checkDevice(e.deviceId);
  if (!Number.isInteger(e.keyId) || e.keyId < 1 || e.keyId > MAX_KEY_ID) throw keyIdError();
  if (!isValidServerSecret(e.secret)) throw secretError();
  if (e.hosts.length === 0) throw new EnrolmentError('host', 'at least one address is required');
  e.hosts.forEach(checkHost);
  if (!isPort(e.port)) throw portError('port');
  if (!e.knock.every(isPort)) throw portError('knock');
  if (e.url !== undefined) checkUrl(e.url);
  const params = new URLSearchParams({
    v: String(e.version),
    proto: String(e.protocol),
    device: e.deviceId,
    ext: e.extension,
    keyId: String(e.keyId),
    secret: e.secret,
    host: e.hosts.join(','),
    port: String(e.port),
  });
  if (e.knock.length > 0) params.set('knock', e.knock.join(','));
  if (e.url !== undefined) params.set('url', e.url);
  return `${PREFIX}${params.toString()}`;
}

/** Parses an enrolment payload; throws EnrolmentError naming the first bad field. */
export function parseEnrolment(text: string): Enrolment {
  const trimmed = text.trim();
  if (trimmed.slice(0, PREFIX.length).toLowerCase() !== PREFIX) {
    throw new EnrolmentError('payload', `not an enrolment: it must start with ${PREFIX}`);
  }
  const params = new URLSearchParams(trimmed.slice(PREFIX.length));
  const one = (field: string, required: boolean): string | undefined => {
    const values = params.getAll(field);
    if (values.length > 1) throw new EnrolmentError(field, 'given more than once');
    if (values.length === 0 && required) throw new EnrolmentError(field, 'missing');
    return values[0];
  };
  const version = versionOf('v', 'payload', one('v', true)!, ENROLMENT_FORMAT_VERSION);
  const protocol = versionOf('proto', 'protocol', one('proto', true)!, PROTOCOL_VERSION);
  const deviceId = one('device', true)!;
  checkDevice(deviceId);
  const extension = one('ext', false) ?? '';
  const keyIdText = one('keyId', true)!;
  const keyId = /^[0-9]{1,10}$/.test(keyIdText) ? Number(keyIdText) : 0;
  if (keyId < 1 || keyId > MAX_KEY_ID) throw keyIdError();
  const secret = one('secret', true)!;
  if (!isValidServerSecret(secret)) throw secretError();
  const hosts = one('host', true)!.split(',');
  if (hosts.every((h) => h === '')) throw new EnrolmentError('host', 'at least one address is required');
  hosts.forEach(checkHost);
  const port = portOf('port', one('port', true)!);
  const knockText = one('knock', false);
  const knock = knockText === undefined ? [] : knockText.split(',').map((p) => portOf('knock', p));
  const url = one('url', false);
  if (url !== undefined) checkUrl(url);
  return {
    version,
    protocol,
    deviceId,
    extension,
    keyId,
    secret,
    hosts,
    port,
    knock,
    ...(url !== undefined ? { url } : {}),
  };
}

function versionOf(field: string, what: string, text: string, supported: number): number {
  const n = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  checkVersion(field, what, n, supported, text);
  return n;
}

function checkVersion(field: string, what: string, n: number, supported: number, shown = String(n)): void {
  if (n !== supported) {
    throw new EnrolmentError(
      field,
      `unsupported ${what} version ${JSON.stringify(shown.slice(0, 20)).slice(1, -1)} (this phone understands ${supported})`,
    );
  }
}

function checkDevice(deviceId: string): void {
  if (!isValidDeviceId(deviceId)) {
    throw new EnrolmentError('device', 'must be 1 to 64 characters from A-Z a-z 0-9 . _ -');
  }
}

function checkHost(host: string, index: number): void {
  if (host === '') throw new EnrolmentError('host', `address ${index + 1} is empty`);
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    throw new EnrolmentError(
      'host',
      `address ${index + 1} is not a host name, an IPv4 or an IPv6 address (IPv6 without brackets)`,
    );
  }
}

function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new EnrolmentError('url', 'must be an https:// (or http://) URL');
  }
}

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

function portOf(field: string, text: string): number {
  const n = /^[0-9]{1,5}$/.test(text.trim()) ? Number(text.trim()) : 0;
  if (!isPort(n)) throw portError(field);
  return n;
}

function portError(field: string): EnrolmentError {
  return new EnrolmentError(
    field,
    field === 'knock' ? 'must be comma-separated ports from 1 to 65535' : 'must be a port from 1 to 65535',
  );
}

const keyIdError = () => new EnrolmentError('keyId', `must be a whole number from 1 to ${MAX_KEY_ID}`);
const secretError = () => new EnrolmentError('secret', 'must be exactly 16 ASCII letters or digits');

// Admin's environment: validated once at start-up, then frozen (see docs/api.md "Configuration").
import { isIP } from 'node:net';
import { commonEnv, env, loadConfig } from '@sa/platform';
import { z } from 'zod';

export const adminEnvSchema = z.object({
  ...commonEnv,
  OPS_PORT: env.port(9103),
  DATABASE_URL: env.url(['postgres', 'postgresql'], 'postgres://root@127.0.0.1:5432/test'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('smartassistant'),
  ADMIN_HOST: env.host('127.0.0.1'),
  ADMIN_PORT: env.port(8081),
  /** First start only: password of the "admin" account (otherwise one is generated and printed once). */
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** Key-encryption key for server key secrets: 32 bytes as base64 or 64 hex digits. */
  ADMIN_KEK: z
    .string()
    .refine((v) => parseKek(v) !== null, 'must be 32 bytes as base64 or 64 hex digits')
    .optional(),
  /** Where a generated KEK is kept when ADMIN_KEK is not set. */
  ADMIN_KEK_FILE: z.string().min(1).default('admin.kek'),
  /** Licence issuer public keys: PEM blocks, or base64 SPKI DER separated by commas/whitespace. */
  LICENCE_PUBLIC_KEYS: z.string().optional(),
  /** Optional FreePBX/Issabel database for the Misc Destinations import, e.g. mysql://user:pw@host/asterisk. */
  FREEPBX_DB_URL: env.url(['mysql'], 'mysql://127.0.0.1/asterisk').optional(),
  PUBLIC_HOST: env.host('127.0.0.1'),
  PUBLIC_PORT: env.port(8080),
  /** More addresses of ingest that enrolment QR codes list after PUBLIC_HOST, e.g. "pbx.example.com,2001:db8::5". */
  PUBLIC_HOST_ALTERNATES: z
    .string()
    .regex(/^([A-Za-z0-9.:-]+(,[A-Za-z0-9.:-]+)*)?$/, 'must be comma-separated host names or addresses')
    .default(''),
  /** Port-knock sequence shown in provisioning QR codes, e.g. "30000,30500,31000" (empty = none). */
  KNOCK_SEQUENCE: z
    .string()
    .regex(/^(\d{1,5}(,\d{1,5})*)?$/, 'must be comma-separated port numbers')
    .default(''),
  ADMIN_SESSION_TTL_S: env.positiveInt(8 * 3600),
  ADMIN_LOGIN_RATE_MAX: env.positiveInt(10),
  ADMIN_BODY_LIMIT: env.positiveInt(64 * 1024),
  /** Secure flag on every session cookie; without it only on HTTPS requests (direct or per a trusted proxy). */
  ADMIN_COOKIE_SECURE: env.bool(false),
  /**
   * Reverse proxies (comma-separated IPs/CIDRs) whose X-Forwarded-Proto/-For admin believes: from them,
   * `X-Forwarded-Proto: https` turns on HSTS, upgrade-insecure-requests and Secure cookies. Empty: none.
   */
  ADMIN_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((v) => badProxyEntry(v) === undefined, {
      error: (issue) => `"${badProxyEntry(String(issue.input))}" is not an IP address or CIDR`,
    }),
  ADMIN_OUTBOX_POLL_MS: env.positiveInt(250),
  ADMIN_KEY_SWEEP_MS: env.positiveInt(5000),
  ADMIN_PG_POOL_MAX: env.positiveInt(10),
  /**
   * Days presence history and call history are kept until an administrator sets it
   * (PUT /settings/privacy, which then wins): docs/privacy.md.
   */
  ADMIN_RETENTION_DAYS: env.int(30, 1, 3650),
  /** The retention sweep runs at start and this often. */
  ADMIN_RETENTION_SWEEP_MS: env.int(3_600_000, 1000, 86_400_000),
  /** History rows (place changes, routed calls) wait at most this long before their batch is written. */
  ADMIN_HISTORY_FLUSH_MS: env.int(1000, 10, 60_000),
  /** Republish every device/user/key into the KV buckets when the key ring is missing at start. */
  ADMIN_SNAPSHOT_ON_EMPTY: env.bool(true),
});

export type AdminConfig = Readonly<z.infer<typeof adminEnvSchema>>;

export function loadAdminConfig(source: Record<string, string | undefined> = process.env): AdminConfig {
  return loadConfig(adminEnvSchema, source);
}

/** The entries of ADMIN_TRUSTED_PROXIES, for Fastify's trustProxy (false when empty). */
export function trustedProxies(config: Pick<AdminConfig, 'ADMIN_TRUSTED_PROXIES'>): string[] | false {
  const entries = proxyEntries(config.ADMIN_TRUSTED_PROXIES);
  return entries.length > 0 ? entries : false;
}

function proxyEntries(spec: string): string[] {
  return spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

function badProxyEntry(spec: string): string | undefined {
  return proxyEntries(spec).find((entry) => {
    const [ip, bits, extra] = entry.split('/');
    const family = isIP(ip ?? '');
    if (family === 0 || extra !== undefined) return true;
    if (bits === undefined) return false;
    const max = family === 4 ? 32 : 128;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > max;
  });
}

export function parseKek(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b = Buffer.from(v, 'base64');
  return b.length === 32 ? b : null;
}

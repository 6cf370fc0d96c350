// Configuration comes from environment variables only, is validated once at start-up (all problems
// reported in one line, each naming its variable) and is frozen afterwards.
import { z } from 'zod';
import { ConfigError, redactUrl } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): Readonly<z.infer<S>> {
  const keys = Object.keys(schema.shape);
  const picked: Record<string, string | undefined> = {};
  for (const key of keys) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(picked);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(env)';
        const raw = picked[name];
        // a URL's password (REDIS_URL, DATABASE_URL...) is hidden like a secret variable
        const shown = raw === undefined ? 'missing' : `got "${looksSecret(name) ? '***' : redactUrl(raw)}"`;
        return `${name}: ${issue.message} (${shown})`;
      });
  problems.push(...unpairedProblems(keys, picked), ...exclusiveProblems(keys, picked));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

/** Settings that only make sense together: each names the one it needs. */
const PAIRED: readonly (readonly [string, string])[] = [
  ['NATS_USER', 'NATS_PASSWORD'],
  ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'],
];

/** Settings that choose different modes: setting both is a mistake, named on the second. */
const EXCLUSIVE: readonly (readonly [string, string])[] = [
  ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'],
  ['REDIS_URL', 'REDIS_SENTINELS'],
  ['REDIS_URL', 'REDIS_CLUSTER_NODES'],
];

function exclusiveProblems(keys: readonly string[], picked: Record<string, string | undefined>): string[] {
  return EXCLUSIVE.filter(
    ([a, b]) => keys.includes(a) && keys.includes(b) && picked[a] !== undefined && picked[b] !== undefined,
  ).map(([a, b]) => `${b}: cannot be combined with ${a}, set only one of them (both set)`);
}

function unpairedProblems(keys: readonly string[], picked: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [a, b] of PAIRED) {
    if (!keys.includes(a) || !keys.includes(b)) continue;
    if (picked[a] !== undefined && picked[b] === undefined)
      problems.push(`${b}: required when ${a} is set (missing)`);
    if (picked[b] !== undefined && picked[a] === undefined)
      problems.push(`${a}: required when ${b} is set (missing)`);
  }
  return problems;
}

function looksSecret(name: string): boolean {
  return /SECRET|PASSWORD|KEY|TOKEN/i.test(name);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function isUrlOf(value: string, protocols: readonly string[]): boolean {
  try {
    const u = new URL(value);
    return protocols.includes(u.protocol.replace(/:$/, '')) && u.hostname.length > 0;
  } catch {
    return false;
  }
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port` or `[v6]:port` with a port 1..65535; null when it is not that. */
export function parseHostPort(entry: string): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry.trim());
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

/** Reusable schema pieces so every service names and checks shared variables the same way. */
export const env = {
  url: (protocols: readonly string[], fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => isUrlOf(v, protocols), {
        message: `must be a ${protocols.map((p) => `${p}://`).join(' or ')} URL with a host`,
      }),
  /** One URL or several comma-separated (the servers of a cluster), each checked like `url`. */
  urls: (protocols: readonly string[], fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => v.split(',').every((one) => isUrlOf(one.trim(), protocols)), {
        message: `must be a ${protocols.map((p) => `${p}://`).join(' or ')} URL with a host (several: comma-separated)`,
      }),
  /** `host:port,host:port` (IPv6 as `[::1]:6379`), parsed into a list; the message names a bad entry. */
  hostPorts: () =>
    z
      .string()
      .superRefine((v, ctx) => {
        const bad = v.split(',').find((e) => parseHostPort(e) === null);
        if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `"${bad.trim()}" is not host:port` });
      })
      .transform((v) => v.split(',').map((e) => parseHostPort(e)!)),
  port: (fallback: number) =>
    z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be 0..65535')
      .max(65535, 'must be 0..65535')
      .default(fallback),
  /** A whole number within [min, max]; the message names the bounds. */
  int: (fallback: number, min: number, max: number) =>
    z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .min(min, `must be ${min}..${max}`)
      .max(max, `must be ${min}..${max}`)
      .default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce
      .number({ message: 'must be a number' })
      .int('must be a whole number')
      .positive()
      .default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  host: (fallback: string) => z.string().min(1).default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  busPrefix: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -')
      .default('sa'),
};

/** Variables every service shares. */
export const commonEnv = {
  /** one server, or every node of a cluster comma-separated (the client moves to another when one fails) */
  NATS_URL: env.urls(['nats', 'tls', 'ws', 'wss'], 'nats://127.0.0.1:4222'),
  /**
   * replicas of every JetStream stream and KV bucket (docs/operations.md, "NATS cluster"): 1 on one
   * server; 3 on a cluster of three or more nodes. A stream found with fewer is raised in place.
   */
  NATS_REPLICAS: env.int(1, 1, 5),
  /**
   * This service's bus user and password (deploy/nats/smartassistant-auth.conf). Unset: connect without
   * credentials (a NATS without authorization, as in the tests); one without the other is an error.
   */
  NATS_USER: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional(),
  NATS_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SA_BUS_PREFIX: env.busPrefix(),
  LOG_LEVEL: env.logLevel(),
  OPS_HOST: env.host('127.0.0.1'),
};

/**
 * Where Redis is, for the services that use it: one server (REDIS_URL), a primary watched by Sentinel
 * (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES). Exactly one mode;
 * REDIS_PASSWORD is the data servers' password in the two others (REDIS_URL carries its own).
 */
export const redisEnv = {
  REDIS_URL: env.url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  /** sentinels asked for the current primary, `host:port,host:port` */
  REDIS_SENTINELS: env.hostPorts().optional(),
  /** the primary's name in the sentinels' configuration (`sentinel monitor <name> ...`) */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, . _ or -')
    .optional(),
  /** the sentinels' own password (their requirepass), when they have one */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** some nodes of a Redis Cluster, `host:port,...` (the client discovers the others) */
  REDIS_CLUSTER_NODES: env.hostPorts().optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
};

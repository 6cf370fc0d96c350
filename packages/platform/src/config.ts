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
  problems.push(...unpairedProblems(keys, picked));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

/** Settings that only make sense together: each names the one it needs. */
const PAIRED: readonly (readonly [string, string])[] = [['NATS_USER', 'NATS_PASSWORD']];

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

/** Reusable schema pieces so every service names and checks shared variables the same way. */
export const env = {
  url: (protocols: readonly string[], fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine(
        (v) => {
          try {
            const u = new URL(v);
            return protocols.includes(u.protocol.replace(/:$/, '')) && u.hostname.length > 0;
          } catch {
            return false;
          }
        },
        { message: `must be a ${protocols.map((p) => `${p}://`).join(' or ')} URL with a host` },
      ),
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
  NATS_URL: env.url(['nats', 'tls', 'ws', 'wss'], 'nats://127.0.0.1:4222'),
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

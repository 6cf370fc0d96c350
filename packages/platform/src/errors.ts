// Base class for every typed error in the project: a stable code, context fields and a cause.

export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: string,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super('PLATFORM_CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
}

/** A dependency (NATS, Redis, Postgres, AMI) could not be reached at start-up. */
export class DependencyUnavailableError extends AppError {
  override readonly name = 'DependencyUnavailableError';
  /**
   * `hint` is what to do when nothing more specific is known (the server is down): start it. The
   * message names the likelier mistake when the cause says so (a wrong host, port, database name
   * or password), via `dependencyHint`.
   */
  constructor(
    readonly dependency: string,
    readonly envVar: string,
    readonly url: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    const why = describeCause(options?.cause);
    super(
      'PLATFORM_DEPENDENCY_UNAVAILABLE',
      `cannot reach ${dependency} at ${url} (${envVar})${why ? `: ${why}` : ''}; ${dependencyHint(dependency, envVar, url, options?.cause, hint)}`,
      { dependency, envVar },
      options,
    );
  }
}

/**
 * A stream or KV bucket this bus user may not create is still missing after the wait for its owner
 * (admin creates the buckets, ingest the phone stream: deploy/nats/smartassistant-auth.conf).
 */
export class BusNotCreatedError extends AppError {
  override readonly name = 'BusNotCreatedError';
  constructor(
    readonly stream: string,
    readonly owner: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PLATFORM_BUS_NOT_CREATED',
      `stream ${stream} does not exist and this bus user may not create it: start ${owner}, which creates it`,
      { stream, owner },
      options,
    );
  }
}

/** The server refuses a stream's replica count: NATS_REPLICAS asks for more servers than the bus has. */
export class BusReplicasError extends AppError {
  override readonly name = 'BusReplicasError';
  constructor(
    readonly stream: string,
    readonly replicas: number,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      'PLATFORM_BUS_REPLICAS',
      `stream ${stream} cannot have ${replicas} replicas (NATS_REPLICAS=${replicas}): ${why}; each replica needs its own JetStream server in one cluster (NATS_REPLICAS=1 on a single server)`,
      { stream, replicas },
      options,
    );
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The likeliest fix for a failed connection, from what the cause says. */
export function dependencyHint(
  dependency: string,
  envVar: string,
  url: string,
  cause: unknown,
  startHint: string,
): string {
  const code = causeCode(cause);
  const text = causeText(cause).toLowerCase();
  let host = '';
  let database = '';
  try {
    const u = new URL(url);
    host = u.host;
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch {}
  if (code === '3D000')
    return `create the database (\`createdb ${database}\` as a PostgreSQL superuser) or fix its name in ${envVar}`;
  if (
    code === '28P01' ||
    code === '28000' ||
    /authoriz|auth(entication)? fail|wrongpass|noauth|password/.test(text)
  )
    return `${dependency} refused the credentials: fix the user name and password in ${envVar}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host name in ${envVar} does not resolve: fix ${envVar}`;
  const hostname = host.replace(/:\d+$/, '');
  if (hostname !== '' && !LOCAL_HOSTS.has(hostname))
    return `check the host and port in ${envVar} (and any firewall on the way), or ${startHint.replace(/ or point .*$/, '')} there`;
  if (code === 'ETIMEDOUT' || /timeout|timed out/.test(text))
    return `no answer in time: check the port in ${envVar}, or ${startHint}`;
  return startHint;
}

function causeCode(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const c = cause as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof c.code === 'string' && c.code.length > 0) return c.code;
  if (Array.isArray(c.errors) && c.errors.length > 0) return causeCode(c.errors[0]);
  return c.cause ? causeCode(c.cause) : '';
}

function causeText(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const c = cause as { message?: unknown; cause?: unknown };
  return `${typeof c.message === 'string' ? c.message : ''} ${c.cause ? causeText(c.cause) : ''}`;
}

function describeCause(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const c = cause as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof c.code === 'string' && c.code.length > 0 && !/^[0-9A-Z]{5}$/.test(c.code)) return c.code;
  if (Array.isArray(c.errors) && c.errors.length > 0) return describeCause(c.errors[0]);
  return typeof c.message === 'string' ? c.message.split('\n')[0]! : '';
}

/** Hides userinfo (passwords) in URLs before they reach a log line or an error message. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

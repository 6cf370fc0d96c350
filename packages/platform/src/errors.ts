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
      `cannot reach ${dependency} at ${url} (${envVar})${why ? `: ${why}` : ''}; ${hint}`,
      { dependency, envVar },
      options,
    );
  }
}

function describeCause(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const c = cause as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof c.code === 'string' && c.code.length > 0) return c.code;
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

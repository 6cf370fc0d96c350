// Postgres pool factory: checks connectivity once at start-up and reports pool health.
import pg from 'pg';
import { DependencyUnavailableError, redactUrl } from './errors.js';
import type { HealthReport } from './health.js';
import type { Logger } from './logger.js';

export type { Pool, PoolClient } from 'pg';

export interface PostgresClient {
  readonly pool: pg.Pool;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

export async function connectPostgres(
  url: string,
  logger: Logger,
  options: { max?: number; searchPath?: string } = {},
): Promise<PostgresClient> {
  const log = logger.child({ component: 'postgres' });
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  pool.on('error', (err) => log.warn({ err }, 'postgres idle client error'));
  // A connection that breaks while checked out (the server restarted) makes its client emit
  // 'error' besides failing the query: without a listener that crashed the process. The query's
  // caller gets the error; the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err }, 'postgres connection lost'));
  });
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new DependencyUnavailableError(
      'PostgreSQL',
      'DATABASE_URL',
      redactUrl(url),
      'start it (e.g. `pg_ctlcluster 15 main start`) or point DATABASE_URL at a running server',
      { cause },
    );
  }
  log.info('postgres connected');
  return {
    pool,
    health: async () => {
      try {
        await pool.query('SELECT 1');
        return { status: 'up' };
      } catch (err) {
        return { status: 'down', detail: (err as Error).message };
      }
    },
    close: () => pool.end(),
  };
}

// Applies services/admin/migrations (plain SQL, node-pg-migrate) into DATABASE_SCHEMA.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@sa/platform';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** One advisory lock per schema, so parallel tests in other schemas never wait on each other. */
function lockValueFor(schema: string): number {
  return createHash('sha256').update(`sa-admin:${schema}`).digest().readUInt32BE(0);
}

export async function runMigrations(databaseUrl: string, schema: string, logger: Logger): Promise<string[]> {
  const log = logger.child({ component: 'migrations' });
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    schema,
    createSchema: true,
    migrationsTable: 'pgmigrations',
    lockValue: lockValueFor(schema),
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    logger: {
      debug: () => {},
      info: (msg: string) => log.debug(msg),
      warn: (msg: string) => log.warn(msg),
      error: (msg: string) => log.error(msg),
    },
  });
  const names = applied.map((m) => m.name);
  log.info({ event: 'migrated', schema, applied: names }, `database schema ${schema} up to date`);
  return names;
}

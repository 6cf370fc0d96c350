// Test helper: a private Postgres schema with admin's migrations applied, dropped at the end.
import { randomBytes } from 'node:crypto';
import { connectPostgres, createLogger, type PostgresClient } from '@sa/platform';
import { runMigrations } from '../adapters/pg/migrate.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface TestSchema extends AsyncDisposable {
  readonly schema: string;
  readonly pg: PostgresClient;
}

export async function createTestSchema(): Promise<TestSchema> {
  const schema = `t_admin_${randomBytes(5).toString('hex')}`;
  const logger = createLogger('admin-test', 'silent');
  await runMigrations(DATABASE_URL, schema, logger);
  const pg = await connectPostgres(DATABASE_URL, logger, { searchPath: schema, max: 5 });
  return {
    schema,
    pg,
    async [Symbol.asyncDispose]() {
      await pg.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pg.close();
    },
  };
}

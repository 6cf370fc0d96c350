// FreePBX / Issabel "Misc Destinations" import: reads miscdests(id, description, destdial) from the
// PBX's MySQL/MariaDB and turns SMART-<Name> / <ext>-<Name> descriptions into destinations (dial =
// destdial). Missing extensions are created (FreePBX knows them). One transaction: all or nothing.
import type { Logger } from '@sa/platform';
import mysql from 'mysql2/promise';
import { DIAL, isNameProblem, parseDestinationName } from '../../domain/naming.js';
import { AdminError } from '../../errors.js';
import type { FreepbxImport, ImportResult } from '../http/routes/route-deps.js';
import type { ChangeRunner } from '../pg/change-set.js';
import type { DestinationsRepo } from '../pg/destinations-repo.js';

interface MiscDest {
  id: number;
  description: string;
  destdial: string;
}

export class MysqlFreepbxImport implements FreepbxImport {
  constructor(
    private readonly defaultUrl: string | undefined,
    private readonly changes: ChangeRunner,
    private readonly destinations: DestinationsRepo,
    private readonly logger: Logger,
  ) {}

  async run(actor: string, options: { url?: string; dryRun: boolean }): Promise<ImportResult> {
    const url = options.url ?? this.defaultUrl;
    if (!url)
      throw new AdminError('ADMIN_IMPORT_FAILED', 'no FreePBX database: set FREEPBX_DB_URL or send url');
    const rows = await this.read(url);
    const result: ImportResult = { created: [], skipped: [] };
    await this.changes.run(actor, async (tx) => {
      for (const row of rows) {
        const name = row.description.trim();
        const parsed = parseDestinationName(name);
        if (isNameProblem(parsed)) {
          result.skipped.push({ name, reason: 'not a SMART-<Name> or <ext>-<Name> description' });
          continue;
        }
        if (!DIAL.test(row.destdial)) {
          result.skipped.push({
            name,
            reason: `destdial "${row.destdial.slice(0, 40)}" is not a plain dial string`,
          });
          continue;
        }
        const exists = await tx.client.query('SELECT 1 FROM destinations WHERE name = $1', [name]);
        if (exists.rowCount) {
          result.skipped.push({ name, reason: 'already exists' });
          continue;
        }
        result.created.push(name);
        if (options.dryRun) continue;
        if (parsed.extension) {
          const ext = await tx.client.query(
            'INSERT INTO extensions (extension) VALUES ($1) ON CONFLICT DO NOTHING RETURNING extension',
            [parsed.extension],
          );
          if (ext.rowCount)
            await tx.audit('create', 'extension', parsed.extension, null, { source: 'freepbx' });
        }
        await this.destinations.createIn(tx, { name, dial: row.destdial }, `import:freepbx:${row.id}`);
      }
    });
    this.logger.info(
      {
        event: 'freepbx_import',
        created: result.created.length,
        skipped: result.skipped.length,
        dryRun: options.dryRun,
      },
      'FreePBX misc destinations imported',
    );
    return result;
  }

  private async read(url: string): Promise<MiscDest[]> {
    let conn: mysql.Connection | undefined;
    try {
      conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
      const [rows] = await conn.query('SELECT id, description, destdial FROM miscdests ORDER BY id');
      return rows as MiscDest[];
    } catch (cause) {
      const why = (cause as { code?: string; message?: string }).code ?? 'error';
      throw new AdminError(
        'ADMIN_IMPORT_FAILED',
        `cannot read miscdests from the FreePBX database (${why})`,
        {},
        { cause },
      );
    } finally {
      await conn?.end().catch(() => {});
    }
  }
}

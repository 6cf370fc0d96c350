// Read side of the append-only audit log (newest first, keyset pagination on id).
import type { Pool } from '@sa/platform';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export async function listAudit(
  pool: Pool,
  q: { limit: number; cursor?: string; entity?: string },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const before = q.cursor ? Number(decodeCursor(q.cursor, 1)[0]) : null;
  const { rows } = await pool.query<{
    id: string;
    at: Date;
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    before: unknown;
    after: unknown;
  }>(
    `SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log
      WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR entity = $2) ORDER BY id DESC LIMIT $3`,
    [before, q.entity ?? null, q.limit],
  );
  const items = rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
  const last = items.at(-1);
  return { items, nextCursor: items.length === q.limit && last ? encodeCursor([last.id]) : null };
}

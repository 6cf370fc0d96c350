// GET /audit: the append-only audit log, newest first, paged by cursor.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Cursor, errors, Limit } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

export function registerAuditRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first',
        querystring: Type.Object(
          {
            limit: Limit,
            cursor: Type.Optional(Cursor),
            entity: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditEntry),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (request) => deps.audit(request.query) as Promise<{ items: never[]; nextCursor: string | null }>,
  );
}

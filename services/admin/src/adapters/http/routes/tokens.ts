// API tokens for automation: listed without the token, created (the token shown once), revoked.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { errors } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerTokenRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  const TokenView = Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    createdAt: Type.String(),
    revoked: Type.Boolean(),
  });
  api.get(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'API tokens (never the token itself)',
        response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...errors },
      },
    },
    async () => ({ items: await deps.accounts.listApiTokens() }),
  );
  api.post(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for automation; the token is returned once',
        body: Type.Object(
          { name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.Integer(), name: Type.String(), token: Type.String() }),
          ...errors,
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await deps.accounts.createApiToken(
            actorOf(request),
            request.principal!.accountId,
            request.body.name,
          ),
        ),
  );
  api.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_000_000_000 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.accounts.revokeApiToken(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

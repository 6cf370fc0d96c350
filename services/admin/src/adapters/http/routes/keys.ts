// /keys: list (never secrets) and rotate with an overlap window.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { generateServerKey } from '../../../domain/credentials.js';
import { actorOf } from '../auth.js';
import { errors, ServerKey } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerKeyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['keys'];

  api.get(
    '/keys',
    {
      schema: {
        tags,
        summary: 'Server keys with state and overlap end (no secrets)',
        response: {
          200: Type.Object({ items: Type.Array(ServerKey), defaultKeyActive: Type.Boolean() }),
          ...errors,
        },
      },
    },
    async () => ({ items: await deps.keys.list(), defaultKeyActive: await deps.keys.defaultKeyActive() }),
  );

  api.post(
    '/keys/rotate',
    {
      schema: {
        tags,
        summary:
          'Add a new active key; previous active keys keep working for overlapSeconds. A generated secret is returned once; a supplied one is never echoed',
        body: Type.Object(
          {
            secret: Type.Optional(
              Type.String({ pattern: '^[A-Za-z0-9]{16}$', description: '16 ASCII letters or digits' }),
            ),
            overlapSeconds: Type.Integer({ minimum: 0, maximum: 30 * 86400, default: 3600 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ key: ServerKey, generatedSecret: Type.Optional(Type.String()) }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const generated = request.body.secret ? undefined : generateServerKey();
      const key = await deps.keys.rotate(
        actorOf(request),
        request.body.secret ?? generated!,
        request.body.overlapSeconds,
      );
      return reply.code(201).send(generated ? { key, generatedSecret: generated } : { key });
    },
  );
}

// PUT /api/v1/users/:extension/password: an administrator sets or resets a user's self-service
// password (administrator role only: not in the helpdesk list). The password is never logged,
// audited or returned; the user's sessions end.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../adapters/http/auth.js';
import { Extension, errors } from '../adapters/http/schemas.js';
import { PASSWORD_MIN_LENGTH } from '../domain/credentials.js';
import type { UserCredentialsRepo } from './user-credentials-repo.js';

export function registerUserPasswordRoutes(app: FastifyInstance, credentials: UserCredentialsRepo): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.put(
    '/users/:extension/password',
    {
      schema: {
        tags: ['users'],
        summary:
          "Set or reset a user's self-service password (sign-in at /me/); the user's sessions end. The password is never returned",
        params: Type.Object({ extension: Extension }),
        body: Type.Object(
          { password: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ extension: Type.String(), sessionsEnded: Type.Integer() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { extension } = request.params;
      const result = await credentials.setPassword(actorOf(request), extension, request.body.password);
      request.log.info(
        { event: 'user_password_set', extension, sessionsEnded: result.sessionsEnded },
        `self-service password of ${extension} set`,
      );
      return { extension, ...result };
    },
  );
}

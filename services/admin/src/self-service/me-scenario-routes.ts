// /me/scenarios: the user's scenarios in evaluation order (an administrator's included, locked ones
// read-only), and creating, changing and deleting their own. OwnDataRepo applies the rules (tier,
// locks, places) and finds the scenario among this user's only: another user's id is 404.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../adapters/http/schemas.js';
import { IdParams, OwnScenario, OwnScenarioIn } from './me-schemas.js';
import { actorOfUser, type SelfServiceDeps } from './self-service-deps.js';

export function registerScenarioRoutes(me: FastifyInstance, deps: SelfServiceDeps): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['self-service'];

  api.get(
    '/scenarios',
    {
      schema: {
        tags,
        summary: 'Your scenarios in evaluation order (locked ones are read-only)',
        response: { 200: Type.Object({ items: Type.Array(OwnScenario) }), ...errors },
      },
    },
    async (request) => ({ items: await deps.ownData.scenarios(request.selfServiceUser!) }),
  );

  api.post(
    '/scenarios',
    {
      schema: {
        tags,
        summary: 'Create a scenario of your own',
        body: OwnScenarioIn,
        response: { 201: OwnScenario, ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      const permissions = await deps.ownData.userPermissions(extension);
      const saved = await deps.ownData.saveScenario(
        actorOfUser(extension),
        extension,
        permissions,
        request.body,
      );
      return reply.code(201).send(saved);
    },
  );

  api.put(
    '/scenarios/:id',
    {
      schema: {
        tags,
        summary: 'Change one of your scenarios (refused for a locked one)',
        params: IdParams,
        body: OwnScenarioIn,
        response: { 200: OwnScenario, ...errors },
      },
    },
    async (request) => {
      const extension = request.selfServiceUser!;
      const permissions = await deps.ownData.userPermissions(extension);
      return deps.ownData.saveScenario(actorOfUser(extension), extension, permissions, {
        ...request.body,
        id: request.params.id,
      });
    },
  );

  api.delete(
    '/scenarios/:id',
    {
      schema: {
        tags,
        summary: 'Delete one of your scenarios (refused for a locked one)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      await deps.ownData.deleteScenario(actorOfUser(extension), extension, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

// /destinations: generic ones (SMART-<Name>) and those specific to one extension (<ext>-<Name>).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { Destination, DestinationName, Dial, Extension, errors, Limit, Offset, Uuid } from '../schemas.js';
import { offsetPage } from './offset-page.js';
import type { RouteDeps } from './route-deps.js';

const IdParams = Type.Object({ id: Uuid });
const tags = ['destinations'];

const listSchema = {
  tags,
  summary: "List destinations; `extension` shows generic ones plus that extension's specific ones",
  querystring: Type.Object(
    {
      limit: Limit,
      offset: Offset,
      scope: Type.Optional(Type.Union([Type.Literal('generic'), Type.Literal('specific'), Type.Literal('')])),
      extension: Type.Optional(Type.Union([Extension, Type.Literal('')])),
    },
    { additionalProperties: false },
  ),
  response: { 200: offsetPage(Destination), ...errors },
};

const createSchema = {
  tags,
  summary: 'Create a destination named SMART-<Name> (generic) or <ext>-<Name> (specific, ext must exist)',
  body: Type.Object({ name: DestinationName, dial: Dial }, { additionalProperties: false }),
  response: { 201: Destination, ...errors },
};

const updateSchema = {
  tags,
  summary: 'Rename (same naming rules) or change the dial string',
  params: IdParams,
  body: Type.Object(
    { name: Type.Optional(DestinationName), dial: Type.Optional(Dial) },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: Destination, ...errors },
};

export function registerDestinationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/destinations', { schema: listSchema }, async (request) => {
    const { limit, offset, scope, extension } = request.query;
    const result = await deps.destinations.list({
      limit,
      offset,
      ...(scope ? { scope } : {}),
      ...(extension ? { extension } : {}),
    });
    return { ...result, limit, offset };
  });

  api.post('/destinations', { schema: createSchema }, async (request, reply) => {
    const actor = actorOf(request);
    return reply.code(201).send(await deps.destinations.create(actor, request.body, actor));
  });

  api.get(
    '/destinations/:id',
    {
      schema: {
        tags,
        summary: 'One destination',
        params: IdParams,
        response: { 200: Destination, ...errors },
      },
    },
    async (request) => deps.destinations.get(request.params.id),
  );

  api.patch('/destinations/:id', { schema: updateSchema }, async (request) =>
    deps.destinations.update(actorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/destinations/:id',
    {
      schema: {
        tags,
        summary: 'Delete an unused destination',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.destinations.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

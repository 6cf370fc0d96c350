// /locations: shared places recognised by the SSIDs and/or BSSIDs a phone sees.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { Bssid, errors, Limit, Location, Offset, PlaceName, Ssid, Uuid } from '../schemas.js';
import { offsetPage } from './offset-page.js';
import type { RouteDeps } from './route-deps.js';

const IdParams = Type.Object({ id: Uuid });
const tags = ['locations'];
const LocationBody = {
  name: PlaceName,
  ssids: Type.Array(Ssid, { maxItems: 50 }),
  bssids: Type.Array(Bssid, { maxItems: 200 }),
};

const createSchema = {
  tags,
  summary: 'Create a location recognised by SSIDs and/or BSSIDs',
  body: Type.Object(
    {
      name: LocationBody.name,
      ssids: Type.Optional(LocationBody.ssids),
      bssids: Type.Optional(LocationBody.bssids),
    },
    { additionalProperties: false },
  ),
  response: { 201: Location, ...errors },
};

const updateSchema = {
  tags,
  summary: 'Change a location',
  params: IdParams,
  body: Type.Object(
    {
      name: Type.Optional(LocationBody.name),
      ssids: Type.Optional(LocationBody.ssids),
      bssids: Type.Optional(LocationBody.bssids),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: Location, ...errors },
};

export function registerLocationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/locations',
    {
      schema: {
        tags,
        summary: 'List locations',
        querystring: Type.Object({ limit: Limit, offset: Offset }, { additionalProperties: false }),
        response: { 200: offsetPage(Location), ...errors },
      },
    },
    async (request) => ({ ...(await deps.locations.list(request.query)), ...request.query }),
  );

  api.post('/locations', { schema: createSchema }, async (request, reply) =>
    reply.code(201).send(await deps.locations.create(actorOf(request), request.body)),
  );

  api.get(
    '/locations/:id',
    { schema: { tags, summary: 'One location', params: IdParams, response: { 200: Location, ...errors } } },
    async (request) => deps.locations.get(request.params.id),
  );

  api.patch('/locations/:id', { schema: updateSchema }, async (request) =>
    deps.locations.update(actorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/locations/:id',
    {
      schema: {
        tags,
        summary: 'Delete an unused location',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.locations.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

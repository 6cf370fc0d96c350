// /destinations and /locations.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import {
  Bssid,
  Destination,
  DestinationName,
  Dial,
  Extension,
  errors,
  Limit,
  Location,
  Offset,
  PlaceName,
  Ssid,
  Uuid,
} from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

const IdParams = Type.Object({ id: Uuid });
const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export function registerCatalogRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const dtags = ['destinations'];

  api.get(
    '/destinations',
    {
      schema: {
        tags: dtags,
        summary: "List destinations; `extension` shows generic ones plus that extension's specific ones",
        querystring: Type.Object(
          {
            limit: Limit,
            offset: Offset,
            scope: Type.Optional(
              Type.Union([Type.Literal('generic'), Type.Literal('specific'), Type.Literal('')]),
            ),
            extension: Type.Optional(Type.Union([Extension, Type.Literal('')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: page(Destination), ...errors },
      },
    },
    async (request) => {
      const { limit, offset, scope, extension } = request.query;
      const result = await deps.destinations.list({
        limit,
        offset,
        ...(scope ? { scope } : {}),
        ...(extension ? { extension } : {}),
      });
      return { ...result, limit, offset };
    },
  );

  api.post(
    '/destinations',
    {
      schema: {
        tags: dtags,
        summary:
          'Create a destination named SMART-<Name> (generic) or <ext>-<Name> (specific, ext must exist)',
        body: Type.Object({ name: DestinationName, dial: Dial }, { additionalProperties: false }),
        response: { 201: Destination, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return reply.code(201).send(await deps.destinations.create(actor, request.body, actor));
    },
  );

  api.get(
    '/destinations/:id',
    {
      schema: {
        tags: dtags,
        summary: 'One destination',
        params: IdParams,
        response: { 200: Destination, ...errors },
      },
    },
    async (request) => deps.destinations.get(request.params.id),
  );

  api.patch(
    '/destinations/:id',
    {
      schema: {
        tags: dtags,
        summary: 'Rename (same naming rules) or change the dial string',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(DestinationName), dial: Type.Optional(Dial) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Destination, ...errors },
      },
    },
    async (request) => deps.destinations.update(actorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/destinations/:id',
    {
      schema: {
        tags: dtags,
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

  const ltags = ['locations'];
  const LocationBody = {
    name: PlaceName,
    ssids: Type.Array(Ssid, { maxItems: 50 }),
    bssids: Type.Array(Bssid, { maxItems: 200 }),
  };

  api.get(
    '/locations',
    {
      schema: {
        tags: ltags,
        summary: 'List locations',
        querystring: Type.Object({ limit: Limit, offset: Offset }, { additionalProperties: false }),
        response: { 200: page(Location), ...errors },
      },
    },
    async (request) => ({ ...(await deps.locations.list(request.query)), ...request.query }),
  );

  api.post(
    '/locations',
    {
      schema: {
        tags: ltags,
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
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.locations.create(actorOf(request), request.body)),
  );

  api.get(
    '/locations/:id',
    {
      schema: {
        tags: ltags,
        summary: 'One location',
        params: IdParams,
        response: { 200: Location, ...errors },
      },
    },
    async (request) => deps.locations.get(request.params.id),
  );

  api.patch(
    '/locations/:id',
    {
      schema: {
        tags: ltags,
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
      },
    },
    async (request) => deps.locations.update(actorOf(request), request.params.id, request.body),
  );

  api.delete(
    '/locations/:id',
    {
      schema: {
        tags: ltags,
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

// /extensions and /users/:extension/scenarios.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import {
  Extension,
  ExtensionPrefix,
  errors,
  Label,
  Limit,
  Offset,
  Scenario,
  ScenarioIn,
} from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

const ExtParams = Type.Object({ extension: Extension });
/** what a user picker types: digits of the extension or a part of the name */
const UserSearch = Type.String({ maxLength: 80, pattern: '^[\\p{L}\\p{N} _.,:()/-]*$' });
const ExtensionView = Type.Object({
  extension: Type.String(),
  displayName: Type.String(),
  deviceCount: Type.Integer(),
});

const tags = ['users'];
const Place = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ssids: Type.Array(Type.String()),
  bssids: Type.Array(Type.String()),
});
const ScenarioList = Type.Object({ extension: Type.String(), items: Type.Array(Scenario) });

const listExtensionsSchema = {
  tags,
  summary:
    'List known extensions (users); `prefix` filters by extension prefix, `q` by extension prefix or a part of the display name',
  querystring: Type.Object(
    {
      limit: Limit,
      offset: Offset,
      prefix: Type.Optional(ExtensionPrefix),
      q: Type.Optional(UserSearch),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      items: Type.Array(ExtensionView),
      total: Type.Integer(),
      limit: Type.Integer(),
      offset: Type.Integer(),
    }),
    ...errors,
  },
};

const createExtensionSchema = {
  tags,
  summary: 'Declare an extension so specific destinations and scenarios can name it',
  body: Type.Object(
    { extension: Extension, displayName: Type.Optional(Label) },
    { additionalProperties: false },
  ),
  response: { 201: ExtensionView, ...errors },
};

const placesSchema = {
  tags,
  summary:
    "A user's own places (saved from the phone or the self-service page); scenarios of this user may name them besides the shared locations",
  params: ExtParams,
  response: { 200: Type.Object({ extension: Type.String(), items: Type.Array(Place) }), ...errors },
};

const replaceScenariosSchema = {
  tags,
  summary: "Replace a user's scenarios (array order = evaluation order; at most one isDefault)",
  params: ExtParams,
  body: Type.Object({ scenarios: Type.Array(ScenarioIn, { maxItems: 50 }) }, { additionalProperties: false }),
  response: { 200: ScenarioList, ...errors },
};

export function registerUserRoutes(app: FastifyInstance, deps: RouteDeps): void {
  registerExtensionRoutes(app, deps);
  registerUserScenarioRoutes(app, deps);
}

/** /extensions: list, declare and remove the extensions (users). */
function registerExtensionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/extensions', { schema: listExtensionsSchema }, async (request) => {
    const { limit, offset, prefix, q } = request.query;
    const search = q?.trim();
    return {
      ...(await deps.users.listExtensions({
        limit,
        offset,
        ...(prefix ? { prefix } : {}),
        ...(search ? { search } : {}),
      })),
      limit,
      offset,
    };
  });

  api.post('/extensions', { schema: createExtensionSchema }, async (request, reply) =>
    reply.code(201).send(await deps.users.createExtension(actorOf(request), request.body)),
  );

  api.delete(
    '/extensions/:extension',
    {
      schema: {
        tags,
        summary: 'Remove an extension without devices, destinations or scenarios',
        params: ExtParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.users.removeExtension(actorOf(request), request.params.extension);
      return reply.code(204).send(null);
    },
  );
}

/** /users/:extension/places and /scenarios: a user's own places and the scenarios that name them. */
function registerUserScenarioRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/users/:extension/places', { schema: placesSchema }, async (request) => ({
    extension: request.params.extension,
    items: await deps.users.places(request.params.extension),
  }));

  api.get(
    '/users/:extension/scenarios',
    {
      schema: {
        tags,
        summary: "A user's scenarios in evaluation order",
        params: ExtParams,
        response: { 200: ScenarioList, ...errors },
      },
    },
    async (request) => ({
      extension: request.params.extension,
      items: await deps.users.listScenarios(request.params.extension),
    }),
  );

  api.put('/users/:extension/scenarios', { schema: replaceScenariosSchema }, async (request) => {
    const items = await deps.users.replaceScenarios(
      actorOf(request),
      request.params.extension,
      request.body.scenarios,
    );
    return { extension: request.params.extension, items };
  });
}

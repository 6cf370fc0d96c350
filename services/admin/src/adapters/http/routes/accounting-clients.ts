// /accounting-clients (issue 20): the access points and Wi-Fi controllers allowed to send RADIUS
// accounting to ingest. A secret is shown once: generated when none is sent (create, rotate-secret)
// and returned as generatedSecret in that answer only; one that is sent is never echoed.
// Administrator-only (the role check denies helpdesk every route it does not list).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { generateRadiusSecret } from '../../../domain/credentials.js';
import { actorOf } from '../auth.js';
import { errors, PlaceName, Uuid } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export const AccountingClient = Type.Object({
  id: Type.String(),
  name: Type.String(),
  network: Type.String({ description: 'IPv4/IPv6 address or CIDR block the accounting comes from' }),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Network = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'an IPv4/IPv6 address (192.0.2.10) or CIDR block (192.0.2.0/24, 2001:db8::/48)',
});
const Secret = Type.String({
  minLength: 16,
  maxLength: 128,
  pattern: '^[\\x21-\\x7e]+$',
  description:
    'RADIUS shared secret: 16-128 printable ASCII characters without spaces (omit it to have one generated)',
});
const GeneratedSecret = Type.Optional(
  Type.String({ description: 'the secret admin generated: shown in this answer only' }),
);
const Params = Type.Object({ id: Uuid });
const WithSecret = Type.Object({ client: AccountingClient, generatedSecret: GeneratedSecret });

const tags = ['radius'];

const createSchema = {
  tags,
  summary:
    'Add an accounting client. Without secret one is generated and returned once (generatedSecret); a supplied one is never echoed',
  body: Type.Object(
    {
      name: PlaceName,
      network: Network,
      secret: Type.Optional(Secret),
      enabled: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  response: { 201: WithSecret, ...errors },
};

const updateSchema = {
  tags,
  summary: 'Rename, move to another network, enable or disable an accounting client',
  params: Params,
  body: Type.Object(
    {
      name: Type.Optional(PlaceName),
      network: Type.Optional(Network),
      enabled: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: AccountingClient, ...errors },
};

const rotateSecretSchema = {
  tags,
  summary:
    'Replace the shared secret (give the access point the new one); generated and returned once unless supplied',
  params: Params,
  body: Type.Object({ secret: Type.Optional(Secret) }, { additionalProperties: false }),
  response: { 200: WithSecret, ...errors },
};

export function registerAccountingClientRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/accounting-clients',
    {
      schema: {
        tags,
        summary:
          'Access points / Wi-Fi controllers allowed to send RADIUS accounting, by name (never secrets)',
        response: { 200: Type.Object({ items: Type.Array(AccountingClient) }), ...errors },
      },
    },
    async () => ({ items: await deps.accountingClients.list() }),
  );

  api.post('/accounting-clients', { schema: createSchema }, async (request, reply) => {
    const { secret, ...rest } = request.body;
    const generated = secret === undefined ? generateRadiusSecret() : undefined;
    const client = await deps.accountingClients.create(actorOf(request), {
      ...rest,
      secret: secret ?? generated!,
    });
    return reply.code(201).send(generated ? { client, generatedSecret: generated } : { client });
  });

  api.get(
    '/accounting-clients/:id',
    {
      schema: {
        tags,
        summary: 'One accounting client (never its secret)',
        params: Params,
        response: { 200: AccountingClient, ...errors },
      },
    },
    async (request) => deps.accountingClients.get(request.params.id),
  );

  api.patch('/accounting-clients/:id', { schema: updateSchema }, async (request) =>
    deps.accountingClients.update(actorOf(request), request.params.id, request.body),
  );

  registerRotateSecret(app, deps);

  api.delete(
    '/accounting-clients/:id',
    {
      schema: {
        tags,
        summary: 'Remove an accounting client: its accounting is refused from then on',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.accountingClients.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** POST /accounting-clients/:id/rotate-secret: a new shared secret, generated unless supplied. */
function registerRotateSecret(app: FastifyInstance, deps: RouteDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/accounting-clients/:id/rotate-secret',
    {
      // no body at all (the console's button) is the same as {}
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: rotateSecretSchema,
    },
    async (request) => {
      const supplied = request.body.secret;
      const generated = supplied === undefined ? generateRadiusSecret() : undefined;
      const client = await deps.accountingClients.rotateSecret(
        actorOf(request),
        request.params.id,
        supplied ?? generated!,
      );
      return generated ? { client, generatedSecret: generated } : { client };
    },
  );
}

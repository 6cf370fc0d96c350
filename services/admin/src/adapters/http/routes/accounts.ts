// /accounts: administrators manage admin accounts (list, create with a role, change role or enabled,
// delete, reset a password). A generated password is in the reply that creates it, once, and
// nowhere else; the last enabled administrator cannot be deleted, disabled or demoted. Every change
// is audited (entity admin_account, never a password or hash). Helpdesk gets 403 (role-check.ts).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { generatePassword } from '../../../domain/credentials.js';
import { Account, NewPassword, Role, Username } from '../account-schemas.js';
import { actorOf } from '../auth.js';
import { errors } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

const Params = Type.Object({ username: Username });

const tags = ['accounts'];

const createSchema = {
  tags,
  summary: 'Create an account; without a password one is generated and returned once',
  body: Type.Object(
    { username: Username, role: Role, password: Type.Optional(NewPassword) },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({ account: Account, generatedPassword: Type.Optional(Type.String()) }),
    ...errors,
  },
};

const updateSchema = {
  tags,
  summary: 'Change role and/or enabled (disabling ends its sessions; its API tokens stop working)',
  params: Params,
  body: Type.Object(
    { role: Type.Optional(Role), enabled: Type.Optional(Type.Boolean()) },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: Account, ...errors },
};

const resetPasswordSchema = {
  tags,
  summary: "Give an account a generated password (returned once) and end all of that account's sessions",
  params: Params,
  response: {
    200: Type.Object({
      username: Type.String(),
      generatedPassword: Type.String(),
      sessionsEnded: Type.Integer(),
    }),
    ...errors,
  },
};

export function registerAccountRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'Admin accounts with role and state (never passwords)',
        response: { 200: Type.Object({ items: Type.Array(Account) }), ...errors },
      },
    },
    async () => ({ items: await deps.accounts.list() }),
  );

  api.post('/accounts', { schema: createSchema }, async (request, reply) => {
    const generated = request.body.password ? undefined : generatePassword();
    const account = await deps.accounts.create(actorOf(request), {
      username: request.body.username,
      role: request.body.role,
      password: request.body.password ?? generated!,
    });
    return reply.code(201).send(generated ? { account, generatedPassword: generated } : { account });
  });

  api.patch('/accounts/:username', { schema: updateSchema }, async (request) =>
    deps.accounts.update(actorOf(request), request.params.username, request.body),
  );

  api.delete(
    '/accounts/:username',
    {
      schema: {
        tags,
        summary: 'Delete an account with its sessions and API tokens',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deps.accounts.remove(actorOf(request), request.params.username);
      return reply.code(204).send(null);
    },
  );

  api.post('/accounts/:username/reset-password', { schema: resetPasswordSchema }, async (request) => {
    const { username } = request.params;
    const generatedPassword = generatePassword();
    const { sessionsEnded } = await deps.accounts.setPassword(
      actorOf(request),
      username,
      generatedPassword,
      'reset_password',
    );
    return { username, generatedPassword, sessionsEnded };
  });
}

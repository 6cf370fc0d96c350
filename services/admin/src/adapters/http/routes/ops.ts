// Health (public), audit log, "who is where" (JSON + Server-Sent Events), Follow-Me problems, API
// tokens, FreePBX import.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { PresenceEntry } from '../../../domain/presence-board.js';
import { AdminError } from '../../../errors.js';
import { actorOf } from '../auth.js';
import { Cursor, errors, FollowMeProblem, Limit, Presence } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

export function registerOpsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Liveness plus a database round trip (no auth)',
        security: [],
        response: { 200: Type.Object({ status: Type.String() }), ...errors },
      },
    },
    async () => {
      await deps.ping();
      return { status: 'ok' };
    },
  );

  api.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first',
        querystring: Type.Object(
          {
            limit: Limit,
            cursor: Type.Optional(Cursor),
            entity: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditEntry),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (request) => deps.audit(request.query) as Promise<{ items: never[]; nextCursor: string | null }>,
  );

  const list = async () => ({ items: deps.presence.list() });
  const listSchema = {
    tags: ['presence'],
    summary: 'Current scenario and target per user',
    response: { 200: Type.Object({ items: Type.Array(Presence) }), ...errors },
  };
  api.get('/presence', { schema: listSchema }, list);
  api.get('/board', { schema: { ...listSchema, summary: 'Alias of /presence' } }, list);

  api.get(
    '/followme-status',
    {
      schema: {
        tags: ['presence'],
        summary:
          "Users whose FreePBX Follow Me ignores Smart Assistant's keys (Follow-Me mode), with the step that fixes it",
        response: { 200: Type.Object({ items: Type.Array(FollowMeProblem) }), ...errors },
      },
    },
    async () => ({ items: deps.followMe.problems() }),
  );

  const open = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  const stream = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    const send = (e: PresenceEntry) =>
      res.write(`id: ${e.extension}:${e.version}\nevent: presence\ndata: ${JSON.stringify(e)}\n\n`);
    res.write(': connected\n\n');
    for (const e of deps.presence.list()) send(e);
    const unsubscribe = deps.presence.subscribe(send);
    const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    open.add(res);
    request.raw.on('close', () => {
      open.delete(res);
      clearInterval(ping);
      unsubscribe();
    });
  };
  const streamSchema = {
    tags: ['presence'],
    summary: 'Server-Sent Events: one `presence` event per change (current state first)',
    produces: ['text/event-stream'],
  };
  api.get('/presence/stream', { schema: streamSchema }, stream);
  api.get('/board/events', { schema: { ...streamSchema, summary: 'Alias of /presence/stream' } }, stream);

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

  api.post(
    '/import/freepbx',
    {
      schema: {
        tags: ['import'],
        summary: 'Import FreePBX Misc Destinations named SMART-* / <ext>-* (dryRun lists without writing)',
        body: Type.Object(
          {
            url: Type.Optional(Type.String({ maxLength: 200, pattern: '^mysql://[A-Za-z0-9_.:@%/-]+$' })),
            dryRun: Type.Boolean({ default: false }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            created: Type.Array(Type.String()),
            skipped: Type.Array(Type.Object({ name: Type.String(), reason: Type.String() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      if (!deps.freepbx) throw new AdminError('ADMIN_IMPORT_FAILED', 'FreePBX import is not configured');
      return deps.freepbx.run(actorOf(request), {
        dryRun: request.body.dryRun,
        ...(request.body.url ? { url: request.body.url } : {}),
      });
    },
  );
}

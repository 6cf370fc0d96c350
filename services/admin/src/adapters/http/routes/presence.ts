// "Who is where": every user's current scenario as JSON and as Server-Sent Events, and the users
// whose FreePBX Follow Me ignores Smart Assistant's keys (Follow-Me mode).

import type { ServerResponse } from 'node:http';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PresenceEntry } from '../../../domain/presence-board.js';
import { errors, FollowMeProblem, Presence } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerPresenceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

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

  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  const stream = async (request: FastifyRequest, reply: FastifyReply) => {
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
}

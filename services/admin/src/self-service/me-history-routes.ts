// /me/calls, /me/presence-history and /me/export: what admin keeps about the user (docs/privacy.md),
// shown to them, deletable (presence history) and downloadable as one JSON file. Only the signed-in
// user's extension is ever passed to the history ports.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../adapters/http/schemas.js';
import { AdminError } from '../errors.js';
import type { CallHistory, PresenceHistory } from '../privacy/history-ports.js';
import { tierOf } from './me-profile-routes.js';
import { CallEntry, HistoryLimit, OwnPlace, OwnScenario, PresenceEntry, Profile } from './me-schemas.js';
import { actorOfUser, type SelfServiceDeps } from './self-service-deps.js';

/** Entries of each history the export carries (the newest). */
export const EXPORT_HISTORY_LIMIT = 1000;

function required<T>(port: T | undefined): T {
  if (!port) throw new AdminError('ADMIN_HISTORY_UNAVAILABLE', 'call and presence history are not kept here');
  return port;
}

export function registerHistoryRoutes(me: FastifyInstance, deps: SelfServiceDeps): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['self-service'];

  api.get(
    '/calls',
    {
      schema: {
        tags,
        summary: 'Your last calls, newest first: where each went and why',
        querystring: HistoryLimit,
        response: { 200: Type.Object({ items: Type.Array(CallEntry) }), ...errors },
      },
    },
    async (request) => ({
      items: await required<CallHistory>(deps.calls).recent(request.selfServiceUser!, request.query.limit),
    }),
  );

  api.get(
    '/presence-history',
    {
      schema: {
        tags,
        summary: 'Where your devices were placed, newest first (changes only)',
        querystring: HistoryLimit,
        response: { 200: Type.Object({ items: Type.Array(PresenceEntry) }), ...errors },
      },
    },
    async (request) => ({
      items: await required<PresenceHistory>(deps.presenceHistory).recent(
        request.selfServiceUser!,
        request.query.limit,
      ),
    }),
  );

  api.delete(
    '/presence-history',
    {
      schema: {
        tags,
        summary: 'Delete your whole presence history',
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const extension = request.selfServiceUser!;
      const deleted = await required(deps.presenceHistory).deleteFor(actorOfUser(extension), extension);
      return { deleted };
    },
  );

  api.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'Everything admin keeps about you as one JSON download',
        response: { 200: ExportBody, ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      const body = await exportOf(deps, extension);
      reply.header('content-disposition', `attachment; filename="smart-assistant-${extension}.json"`);
      return body;
    },
  );
}

const ExportBody = Type.Object({
  exportedAt: Type.String(),
  profile: Profile,
  scenarios: Type.Array(OwnScenario),
  places: Type.Array(OwnPlace),
  calls: Type.Union([Type.Array(CallEntry), Type.Null()], { description: 'null: not kept on this server' }),
  presenceHistory: Type.Union([Type.Array(PresenceEntry), Type.Null()]),
});

async function exportOf(deps: SelfServiceDeps, extension: string) {
  const [displayName, permissions, pausedAt, scenarios, places, calls, presence] = await Promise.all([
    deps.credentials.displayName(extension),
    deps.ownData.userPermissions(extension),
    deps.ownData.locationPausedAt(extension),
    deps.ownData.scenarios(extension),
    deps.ownData.places(extension),
    deps.calls?.recent(extension, EXPORT_HISTORY_LIMIT) ?? null,
    deps.presenceHistory?.recent(extension, EXPORT_HISTORY_LIMIT) ?? null,
  ]);
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      extension,
      displayName,
      tier: tierOf(permissions),
      permissions,
      locationPausedAt: pausedAt?.toISOString() ?? null,
    },
    scenarios,
    places,
    calls,
    presenceHistory: presence,
  };
}

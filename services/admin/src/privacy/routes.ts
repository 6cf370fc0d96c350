// /settings/privacy (the retention) and an administrator's view of one user's presence history,
// each view audited. Administrator-only: the role check denies helpdesk every route it does not
// list, and one person's movements are more than the board (everyone's current place) shows.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../adapters/http/auth.js';
import { Extension, errors } from '../adapters/http/schemas.js';
import type { PgPresenceHistory } from './presence-history-repo.js';
import type { PgPrivacySettings } from './retention-settings.js';
import { HistoryQuery, PresenceHistoryEntry, PrivacySettingsBody, PrivacySettingsView } from './schemas.js';

export interface PrivacyRouteDeps {
  readonly presenceHistory: Pick<PgPresenceHistory, 'viewAs'>;
  readonly settings: Pick<PgPrivacySettings, 'get' | 'put'>;
  /** the retention changed: sweep now rather than within the hour */
  readonly retentionChanged: () => void;
}

export function registerPrivacyRoutes(app: FastifyInstance, deps: PrivacyRouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/settings/privacy',
    {
      schema: {
        tags: ['privacy'],
        summary: 'How long presence history and call history are kept',
        response: { 200: PrivacySettingsView, ...errors },
      },
    },
    async () => deps.settings.get(),
  );

  api.put(
    '/settings/privacy',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Set the retention (1-3650 days); older history is deleted by the next sweep, started at once',
        body: PrivacySettingsBody,
        response: { 200: PrivacySettingsView, ...errors },
      },
    },
    async (request) => {
      const settings = await deps.settings.put(actorOf(request), request.body.retentionDays);
      deps.retentionChanged();
      return settings;
    },
  );

  api.get(
    '/users/:extension/presence-history',
    {
      schema: {
        tags: ['privacy'],
        summary: "One user's changes of place, newest first (each view is written to the audit log)",
        params: Type.Object({ extension: Extension }),
        querystring: HistoryQuery,
        response: { 200: Type.Object({ items: Type.Array(PresenceHistoryEntry) }), ...errors },
      },
    },
    async (request) => ({
      items: await deps.presenceHistory.viewAs(
        actorOf(request),
        request.params.extension,
        request.query.limit,
      ),
    }),
  );
}

// Role check, default deny: an administrator may call every route; a helpdesk account only the
// routes listed in HELPDESK_ROUTES (anything else, including every route added later, is 403
// ADMIN_FORBIDDEN). The list is the one place that says what helpdesk can do; role-check.test.ts
// checks that each entry names a registered route.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type HelpdeskAccess, roleRefusal } from '../../domain/roles.js';
import { AdminError } from '../../errors.js';

/** "<METHOD> <route url>" -> what helpdesk may do there (HEAD counts as GET). */
export const HELPDESK_ROUTES: Readonly<Record<string, HelpdeskAccess>> = {
  'GET /api/v1/auth/me': 'allowed',
  'POST /api/v1/auth/logout': 'allowed',
  'POST /api/v1/auth/password': 'allowed',
  'GET /api/v1/devices': 'allowed',
  'GET /api/v1/devices/:deviceId': 'allowed',
  'PATCH /api/v1/devices/:deviceId': { onlyFields: ['enabled'] },
  'GET /api/v1/presence': 'allowed',
  'GET /api/v1/presence/stream': 'allowed',
  'GET /api/v1/board': 'allowed',
  'GET /api/v1/board/events': 'allowed',
  'GET /api/v1/followme-status': 'allowed',
};

export function helpdeskAccessOf(method: string, routeUrl: string): HelpdeskAccess | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return HELPDESK_ROUTES[`${m} ${routeUrl}`];
}

/** Register after authentication (it reads request.principal). */
export function registerRoleCheck(app: FastifyInstance): void {
  const check = (request: FastifyRequest, body: unknown) => {
    const principal = request.principal;
    if (!principal) return; // public route
    const access = helpdeskAccessOf(request.method, request.routeOptions.url ?? '');
    const reason = roleRefusal(principal.role, access, body);
    if (reason)
      throw new AdminError(
        'ADMIN_FORBIDDEN',
        `account ${principal.username} (${principal.role}): ${reason}`,
        {
          role: principal.role,
          needs: 'administrator',
        },
      );
  };
  // Before the body is read for routes helpdesk may not use at all (uploads included) ...
  app.addHook('onRequest', async (request) => {
    if (request.principal?.role !== 'helpdesk') return;
    const access = helpdeskAccessOf(request.method, request.routeOptions.url ?? '');
    if (access === undefined || access === 'allowed') check(request, undefined);
  });
  // ... and on the parsed body for the routes that allow only some fields.
  app.addHook('preHandler', async (request) => {
    if (request.principal?.role !== 'helpdesk') return;
    const access = helpdeskAccessOf(request.method, request.routeOptions.url ?? '');
    if (access !== undefined && access !== 'allowed') check(request, request.body);
  });
}

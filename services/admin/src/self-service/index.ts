// The self-service feature: the /me API (its own session, see me-session.ts), the page at /me/
// (web/me, built into dist/web/me) and the administrator's password route. server.ts registers it.
import type { FastifyInstance } from 'fastify';
import { builtWebApp, serveWebApp } from '../adapters/http/web-app-files.js';
import { registerHistoryRoutes } from './me-history-routes.js';
import { registerPlaceRoutes } from './me-place-routes.js';
import { registerProfileRoutes } from './me-profile-routes.js';
import { registerScenarioRoutes } from './me-scenario-routes.js';
import { registerSessionCheck, registerSessionRoutes } from './me-session.js';
import type { SelfServiceDeps, SelfServiceOptions } from './self-service-deps.js';

export { phoneTargets } from './phone-targets.js';
export { NatsRoutingGateway, type RoutingGateway } from './routing-gateway.js';
export type { SelfServiceDeps, SelfServiceOptions, TargetSource } from './self-service-deps.js';
export { UserCredentialsRepo } from './user-credentials-repo.js';
export { registerUserPasswordRoutes } from './user-password-routes.js';

export async function registerSelfService(
  app: FastifyInstance,
  options: SelfServiceOptions & { publicMeDir?: string },
  deps: SelfServiceDeps,
): Promise<void> {
  await app.register(
    async (me) => {
      registerSessionCheck(me, deps);
      registerSessionRoutes(me, deps, options);
      registerProfileRoutes(me, deps);
      registerScenarioRoutes(me, deps);
      registerPlaceRoutes(me, deps);
      registerHistoryRoutes(me, deps);
    },
    { prefix: '/me' },
  );
  // /me (no slash) is the API's GET /me; the page is /me/ and the files below it
  await serveWebApp(app, { root: options.publicMeDir ?? builtWebApp('me'), prefix: '/me/', ownReply: false });
}

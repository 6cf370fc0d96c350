// Every /api/v1 route, one registration per feature.
import type { FastifyInstance } from 'fastify';
import { registerPrivacyRoutes } from '../../../privacy/routes.js';
import { registerAccountingClientRoutes } from './accounting-clients.js';
import { registerAccountRoutes } from './accounts.js';
import { registerBulkRoutes } from './bulk.js';
import { registerCatalogRoutes } from './catalog.js';
import { registerDeviceRoutes } from './devices.js';
import { registerEnrolmentRoutes } from './enrolment.js';
import { registerKeyRoutes } from './keys.js';
import { registerOpsRoutes } from './ops.js';
import { registerReplayRoutes } from './replay.js';
import type { RouteDeps } from './route-deps.js';
import { registerUserRoutes } from './users.js';

export type { FreepbxImport, ImportResult, Provisioning, RouteDeps } from './route-deps.js';

export async function registerRoutes(api: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerOpsRoutes(api, deps);
  const deviceWithSeen = registerDeviceRoutes(api, deps);
  registerEnrolmentRoutes(api, { ...deps, deviceWithSeen });
  registerCatalogRoutes(api, deps);
  registerUserRoutes(api, deps);
  registerKeyRoutes(api, deps);
  registerBulkRoutes(api, deps);
  registerReplayRoutes(api, deps);
  registerAccountRoutes(api, deps);
  registerAccountingClientRoutes(api, deps);
  // RouteDeps.privacy is declared by the privacy feature (privacy/routes.ts)
  registerPrivacyRoutes(api, deps.privacy);
}

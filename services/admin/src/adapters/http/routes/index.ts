// Every /api/v1 route, one registration per feature.
import type { FastifyInstance } from 'fastify';
import { registerPrivacyRoutes } from '../../../privacy/routes.js';
import { registerAccountingClientRoutes } from './accounting-clients.js';
import { registerAccountRoutes } from './accounts.js';
import { registerAuditRoutes } from './audit.js';
import { registerBulkRoutes } from './bulk.js';
import { registerDestinationRoutes } from './destinations.js';
import { registerDeviceRoutes } from './devices.js';
import { registerEnrolmentRoutes } from './enrolment.js';
import { registerFreepbxImportRoutes } from './freepbx-import.js';
import { registerHealthRoutes } from './health.js';
import { registerKeyRoutes } from './keys.js';
import { registerLocationRoutes } from './locations.js';
import { registerPresenceRoutes } from './presence.js';
import { registerReplayRoutes } from './replay.js';
import type { RouteDeps } from './route-deps.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUserRoutes } from './users.js';

export type { FreepbxImport, ImportResult, Provisioning, RouteDeps } from './route-deps.js';

export async function registerRoutes(api: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerHealthRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerPresenceRoutes(api, deps);
  registerTokenRoutes(api, deps);
  registerFreepbxImportRoutes(api, deps);
  const deviceWithSeen = registerDeviceRoutes(api, deps);
  registerEnrolmentRoutes(api, { ...deps, deviceWithSeen });
  registerDestinationRoutes(api, deps);
  registerLocationRoutes(api, deps);
  registerUserRoutes(api, deps);
  registerKeyRoutes(api, deps);
  registerBulkRoutes(api, deps);
  registerReplayRoutes(api, deps);
  registerAccountRoutes(api, deps);
  registerAccountingClientRoutes(api, deps);
  registerPrivacyRoutes(api, deps.privacy);
}

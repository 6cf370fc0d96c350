// What the self-service routes get: the user's credentials and sessions, their own data, the
// targets their tier shows, router (current routing, scenario choice) and the history ports.
import type { DevicePermissions } from '../domain/permissions.js';
import type { OwnDataRepo } from '../own-data/own-data-repo.js';
import type { CallHistory, PresenceHistory } from '../privacy/history-ports.js';
import type { RoutingGateway } from './routing-gateway.js';
import type { UserCredentialsRepo } from './user-credentials-repo.js';

/** A destination as the page lists it. */
export interface TargetView {
  readonly id: string;
  readonly name: string;
  readonly dial: string;
  readonly scope: 'generic' | 'specific';
}

export interface TargetSource {
  /** the destinations the user may route to under `permissions`, generic first, then by name */
  targets(extension: string, permissions: DevicePermissions): Promise<TargetView[]>;
}

export interface SelfServiceDeps {
  readonly credentials: UserCredentialsRepo;
  readonly ownData: OwnDataRepo;
  readonly targets: TargetSource;
  readonly routing: RoutingGateway;
  /** absent until the history store is wired: those routes answer 503 ADMIN_HISTORY_UNAVAILABLE */
  readonly calls?: CallHistory;
  readonly presenceHistory?: PresenceHistory;
}

export interface SelfServiceOptions {
  readonly sessionTtlSeconds: number;
  readonly loginRateMax: number;
  readonly cookieSecure: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in user's extension on a /me route (set by the self-service session hook) */
    selfServiceUser?: string;
  }
}

/** The audit log's actor for what a signed-in user does. */
export const actorOfUser = (extension: string): string => `user:${extension}`;

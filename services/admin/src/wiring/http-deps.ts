// What the console's HTTP app is built with: its options from config, and the typed dependency
// object every route registrar receives (repositories, boards, gateways, the self-service ports).
import type { Logger, NatsConnection, Pool } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import type { buildHttpApp, HttpOptions } from '../adapters/http/server.js';
import { MysqlFreepbxImport } from '../adapters/mysql/freepbx-import.js';
import { NatsReplayReset } from '../adapters/nats/replay-reset.js';
import { listAudit } from '../adapters/pg/audit-repo.js';
import { type AdminConfig, trustedProxies } from '../config.js';
import type { FollowMeBoard } from '../domain/followme-board.js';
import type { PresenceBoard } from '../domain/presence-board.js';
import type { Privacy } from '../privacy/wiring.js';
import { NatsRoutingGateway, phoneTargets } from '../self-service/index.js';
import type { Repositories } from './repositories.js';

export type HttpDeps = Parameters<typeof buildHttpApp>[1];

export function httpOptions(config: AdminConfig, logger: Logger, publicDir: string | undefined): HttpOptions {
  return {
    logger,
    bodyLimit: config.ADMIN_BODY_LIMIT,
    loginRateMax: config.ADMIN_LOGIN_RATE_MAX,
    sessionTtlSeconds: config.ADMIN_SESSION_TTL_S,
    cookieSecure: config.ADMIN_COOKIE_SECURE,
    trustedProxies: trustedProxies(config),
    ...(publicDir ? { publicDir } : {}),
  };
}

export interface HttpDepsSources {
  readonly config: AdminConfig;
  readonly logger: Logger;
  readonly pool: Pool;
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly repos: Repositories;
  readonly presence: PresenceBoard;
  readonly followMe: FollowMeBoard;
  readonly privacy: Privacy;
}

export function httpDeps(s: HttpDepsSources): HttpDeps {
  const { config, repos, pool, nc, names } = s;
  return {
    devices: repos.devices,
    deviceKeys: repos.deviceKeys,
    destinations: repos.destinations,
    locations: repos.locations,
    users: repos.users,
    keys: repos.keys,
    accounts: repos.accounts,
    accountingClients: repos.accountingClients,
    bulk: repos.bulk,
    presence: s.presence,
    followMe: s.followMe,
    freepbx: new MysqlFreepbxImport(config.FREEPBX_DB_URL, repos.changes, repos.destinations, s.logger),
    replay: new NatsReplayReset(nc, names, repos.changes),
    audit: (q) => listAudit(pool, q),
    privacy: s.privacy.routes,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    selfService: {
      credentials: repos.credentials,
      ownData: repos.ownData,
      targets: phoneTargets(repos.phone),
      calls: s.privacy.calls,
      presenceHistory: s.privacy.presence,
      // router answers in well under a millisecond; past 500 ms the page shows the last announced
      routing: new NatsRoutingGateway(nc, names, s.presence, { queryTimeoutMs: 500, publishTimeoutMs: 2000 }),
    },
    provisioning: {
      publicHost: config.PUBLIC_HOST,
      publicPort: config.PUBLIC_PORT,
      alternateHosts: config.PUBLIC_HOST_ALTERNATES ? config.PUBLIC_HOST_ALTERNATES.split(',') : [],
      knockSequence: config.KNOCK_SEQUENCE ? config.KNOCK_SEQUENCE.split(',').map(Number) : [],
    },
  };
}

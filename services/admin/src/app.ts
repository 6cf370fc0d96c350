// Composition root: builds every adapter once, wires them, and returns { start, stop }.
import {
  createMetricsRegistry,
  HealthRegistry,
  type Logger,
  type OpsServer,
  type ServiceApp,
  startOpsServer,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { loadKek } from './adapters/fs/kek-file.js';
import { type AdminHttp, buildHttpApp } from './adapters/http/server.js';
import { subscribeAll } from './adapters/nats/handlers.js';
import type { OutboxRelay } from './adapters/nats/outbox-relay.js';
import type { AdminConfig } from './config.js';
import { FollowMeBoard } from './domain/followme-board.js';
import { parseIssuerKeys } from './domain/licence.js';
import { PresenceBoard } from './domain/presence-board.js';
import { SecretBox } from './domain/secret-box.js';
import { buildPrivacy, type Privacy } from './privacy/wiring.js';
import { connectAdminStores } from './wiring/admin-stores.js';
import { busHandlers } from './wiring/bus-handlers.js';
import { httpDeps, httpOptions } from './wiring/http-deps.js';
import { listenConsole } from './wiring/http-listen.js';
import { startKeySweep } from './wiring/key-sweep.js';
import { buildOutboxRelay, observeOutbox } from './wiring/outbox.js';
import { buildRepositories } from './wiring/repositories.js';
import { ensureStartupState, type StartupStateOptions } from './wiring/startup-state.js';

export interface AdminApp extends ServiceApp {
  readonly http: AdminHttp;
  readonly relay: OutboxRelay;
  readonly presence: PresenceBoard;
  /** FreePBX Follow-Me problems router announced */
  readonly followMe: FollowMeBoard;
  /** presence and call history (the history ports), their recorders and the retention sweep */
  readonly privacy: Privacy;
  /** Actual addresses after start(). */
  readonly addresses: { http?: string; ops?: string };
}

export interface BuildOptions extends StartupStateOptions {
  readonly publicDir?: string;
}

export async function buildAdminApp(
  config: AdminConfig,
  logger: Logger,
  options: BuildOptions = {},
): Promise<AdminApp> {
  const box = new SecretBox(loadKek(config, logger));
  const issuerKeys = parseIssuerKeys(config.LICENCE_PUBLIC_KEYS);
  if (issuerKeys.length === 0) logger.warn('LICENCE_PUBLIC_KEYS is empty: licence uploads will be refused');
  const names = busNames(config.SA_BUS_PREFIX);
  const health = new HealthRegistry();
  const stores = await connectAdminStores(config, names, logger, health);
  const { pg, nats } = stores;
  const relay = buildOutboxRelay(stores, names, box, config, logger);
  health.add('outbox', () => relay.health());
  // a commit that wrote outbox rows wakes the relay instead of waiting for its next poll
  const repos = buildRepositories(pg.pool, box, issuerKeys, () => relay.kick());
  const presence = new PresenceBoard();
  const followMe = new FollowMeBoard();
  await ensureStartupState(repos, stores.buckets, config, logger, options);

  const metrics = createMetricsRegistry('admin');
  const privacy = buildPrivacy({
    pool: pg.pool,
    changes: repos.changes,
    logger,
    metrics,
    defaultRetentionDays: config.ADMIN_RETENTION_DAYS,
    sweepMs: config.ADMIN_RETENTION_SWEEP_MS,
    flushMs: config.ADMIN_HISTORY_FLUSH_MS,
  });
  observeOutbox(metrics, relay);
  const handlers = busHandlers({ repos, presence, followMe, privacy, relay, logger });
  const http = await buildHttpApp(
    httpOptions(config, logger, options.publicDir),
    httpDeps({ config, logger, pool: pg.pool, nc: nats.nc, names, repos, presence, followMe, privacy }),
  );

  let subs: ReturnType<typeof subscribeAll> = [];
  let stopKeySweep = () => {};
  let ops: OpsServer | null = null;
  const addresses: { http?: string; ops?: string } = {};

  return {
    http,
    relay,
    presence,
    followMe,
    privacy,
    addresses,
    async start() {
      subs = subscribeAll(nats.nc, names, handlers);
      relay.start();
      privacy.start();
      stopKeySweep = startKeySweep(repos.keys, config.ADMIN_KEY_SWEEP_MS, logger);
      const { OPS_HOST: host, OPS_PORT: port } = config;
      ops = await startOpsServer({ host, port, health, metrics, logger, readinessDetails: () => ({}) });
      addresses.http = (await listenConsole(http, config, ops.address, logger))[0];
      addresses.ops = ops.address;
    },
    async stop(reason) {
      logger.info({ reason }, 'admin stopping');
      stopKeySweep();
      await http.close(); // intake first: in-flight requests finish
      await relay.stop();
      for (const sub of subs) sub.unsubscribe();
      await privacy.stop(); // after the subscriptions: the last rows received are written
      await nats.close();
      await ops?.close();
      await pg.close();
    },
  };
}

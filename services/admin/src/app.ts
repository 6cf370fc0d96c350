// Composition root: builds every adapter once, wires them, and returns { start, stop }.

import type { AddressInfo } from 'node:net';
import {
  connectNats,
  connectPostgres,
  createMetricsRegistry,
  Gauge,
  HealthRegistry,
  type Logger,
  type OpsServer,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  type ServiceApp,
  startOpsServer,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { loadKek } from './adapters/fs/kek-file.js';
import { listenUrls } from './adapters/http/listen-urls.js';
import { type AdminHttp, buildHttpApp } from './adapters/http/server.js';
import { MysqlFreepbxImport } from './adapters/mysql/freepbx-import.js';
import { subscribeAll } from './adapters/nats/handlers.js';
import { OutboxRelay } from './adapters/nats/outbox-relay.js';
import { PhoneRequests } from './adapters/nats/phone-requests.js';
import { NatsReplayReset } from './adapters/nats/replay-reset.js';
import { AccountingClientsRepo } from './adapters/pg/accounting-clients-repo.js';
import { AccountsRepo } from './adapters/pg/accounts-repo.js';
import { listAudit } from './adapters/pg/audit-repo.js';
import { BulkRepo } from './adapters/pg/bulk-repo.js';
import { ChangeRunner } from './adapters/pg/change-set.js';
import { DestinationsRepo } from './adapters/pg/destinations-repo.js';
import { DeviceKeysRepo } from './adapters/pg/device-keys-repo.js';
import { DevicesRepo } from './adapters/pg/devices-repo.js';
import { KeysRepo } from './adapters/pg/keys-repo.js';
import { LocationsRepo } from './adapters/pg/locations-repo.js';
import { runMigrations } from './adapters/pg/migrate.js';
import { PhoneRepo } from './adapters/pg/phone-repo.js';
import { UsersRepo } from './adapters/pg/users-repo.js';
import { type AdminConfig, trustedProxies } from './config.js';
import { FollowMeBoard } from './domain/followme-board.js';
import { parseIssuerKeys } from './domain/licence.js';
import { PresenceBoard } from './domain/presence-board.js';
import { SecretBox } from './domain/secret-box.js';
import { ensureFirstAdmin } from './first-admin.js';
import { OwnDataRepo } from './own-data/own-data-repo.js';
import { PhoneOwnData } from './own-data/phone-own-data.js';
import { buildPrivacy, type Privacy } from './privacy/wiring.js';
import { NatsRoutingGateway, phoneTargets, UserCredentialsRepo } from './self-service/index.js';

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

export interface BuildOptions {
  readonly publicDir?: string;
  /** Where the one-time generated admin password is shown (default: stderr if a TTY, else a 0600 file). */
  readonly announce?: (line: string) => void;
  readonly snapshotOnEmpty?: boolean;
}

export async function buildAdmin(
  config: AdminConfig,
  logger: Logger,
  options: BuildOptions = {},
): Promise<AdminApp> {
  const box = new SecretBox(loadKek(config, logger));
  const issuerKeys = parseIssuerKeys(config.LICENCE_PUBLIC_KEYS);
  if (issuerKeys.length === 0) logger.warn('LICENCE_PUBLIC_KEYS is empty: licence uploads will be refused');
  // connect (and fail with one line naming DATABASE_URL) before the migration runner, whose own
  // connection error is a multi-line dump
  const pg = await connectPostgres(config.DATABASE_URL, logger, {
    searchPath: config.DATABASE_SCHEMA,
    max: config.ADMIN_PG_POOL_MAX,
  });
  await runMigrations(config.DATABASE_URL, config.DATABASE_SCHEMA, logger).catch(async (err) => {
    await pg.close();
    throw err;
  });
  const nats = await connectNats(config, 'admin', logger).catch(async (err) => {
    await pg.close();
    throw err;
  });
  const names = busNames(config.SA_BUS_PREFIX);
  const bus = { replicas: config.NATS_REPLICAS, logger };
  const buckets = await openSnapshotBuckets(nats.nc, names, bus);
  const deviceKeysBucket = await openDeviceKeysBucket(nats.nc, names, bus);
  const radiusClientsBucket = await openRadiusClientsBucket(nats.nc, names, bus);

  const changes = new ChangeRunner(pg.pool, box);
  const accounts = new AccountsRepo(pg.pool, changes);
  const keys = new KeysRepo(pg.pool, changes, box);
  const destinations = new DestinationsRepo(pg.pool, changes);
  const deviceKeys = new DeviceKeysRepo(pg.pool, changes, box);
  const devices = new DevicesRepo(pg.pool, changes, () => issuerKeys, deviceKeys);
  const locations = new LocationsRepo(pg.pool, changes);
  const users = new UsersRepo(pg.pool, changes);
  const presence = new PresenceBoard();
  const followMe = new FollowMeBoard();
  const relay = new OutboxRelay({
    pool: pg.pool,
    nc: nats.nc,
    names,
    buckets,
    deviceKeys: deviceKeysBucket,
    radiusClients: radiusClientsBucket,
    box,
    logger,
    pollMs: config.ADMIN_OUTBOX_POLL_MS,
  });
  changes.onCommit = () => relay.kick();
  const phoneRepo = new PhoneRepo(pg.pool, changes, destinations);
  const phone = new PhoneRequests(phoneRepo, keys, logger, () => relay.kick());
  const ownData = new OwnDataRepo(pg.pool, changes);

  await ensureFirstAdmin(accounts, config, logger, options.announce);
  if (await keys.ensureDefault()) {
    logger.warn(
      { event: 'default_key' },
      'server key 1 is the well-known default key; rotate it with smart-set-secret',
    );
  }
  if (
    (options.snapshotOnEmpty ?? config.ADMIN_SNAPSHOT_ON_EMPTY) &&
    (await buckets.keys.get('ring')) === null
  ) {
    const counts = await changes.republishAll();
    logger.info({ event: 'snapshot_republished', ...counts }, 'KV snapshot empty: republishing full state');
  }

  const health = new HealthRegistry();
  health.add('postgres', () => pg.health());
  health.add('nats', () => nats.health());
  health.add('outbox', () => relay.health());
  const metrics = createMetricsRegistry('admin');
  const privacy = buildPrivacy({
    pool: pg.pool,
    changes,
    logger,
    metrics,
    defaultRetentionDays: config.ADMIN_RETENTION_DAYS,
    sweepMs: config.ADMIN_RETENTION_SWEEP_MS,
    flushMs: config.ADMIN_HISTORY_FLUSH_MS,
  });
  new Gauge({
    name: 'sa_admin_outbox_pending',
    help: 'outbox rows not yet published',
    registers: [metrics],
    collect() {
      return relay.pending().then(
        (n) => this.set(n),
        () => {},
      );
    },
  });

  const http = await buildHttpApp(
    {
      logger,
      bodyLimit: config.ADMIN_BODY_LIMIT,
      loginRateMax: config.ADMIN_LOGIN_RATE_MAX,
      sessionTtlSeconds: config.ADMIN_SESSION_TTL_S,
      cookieSecure: config.ADMIN_COOKIE_SECURE,
      trustedProxies: trustedProxies(config),
      ...(options.publicDir ? { publicDir: options.publicDir } : {}),
    },
    {
      devices,
      deviceKeys,
      destinations,
      locations,
      users,
      keys,
      accounts,
      accountingClients: new AccountingClientsRepo(pg.pool, changes, box),
      bulk: new BulkRepo(pg.pool, changes, deviceKeys),
      presence,
      followMe,
      freepbx: new MysqlFreepbxImport(config.FREEPBX_DB_URL, changes, destinations, logger),
      replay: new NatsReplayReset(nats.nc, names, changes),
      audit: (q) => listAudit(pg.pool, q),
      privacy: privacy.routes,
      ping: async () => {
        await pg.pool.query('SELECT 1');
      },
      selfService: {
        credentials: new UserCredentialsRepo(pg.pool, changes),
        ownData,
        targets: phoneTargets(phoneRepo),
        calls: privacy.calls,
        presenceHistory: privacy.presence,
        // router answers in well under a millisecond; past 500 ms the page shows the last announced
        routing: new NatsRoutingGateway(nats.nc, names, presence, {
          queryTimeoutMs: 500,
          publishTimeoutMs: 2000,
        }),
      },
      provisioning: {
        publicHost: config.PUBLIC_HOST,
        publicPort: config.PUBLIC_PORT,
        alternateHosts: config.PUBLIC_HOST_ALTERNATES ? config.PUBLIC_HOST_ALTERNATES.split(',') : [],
        knockSequence: config.KNOCK_SEQUENCE ? config.KNOCK_SEQUENCE.split(',').map(Number) : [],
      },
    },
  );

  let subs: ReturnType<typeof subscribeAll> = [];
  let sweeper: NodeJS.Timeout | null = null;
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
      const phoneOwnData = new PhoneOwnData(phoneRepo, ownData);
      subs = subscribeAll(nats.nc, names, {
        phone,
        ownData: phoneOwnData,
        presence,
        followMe,
        history: privacy.recorder,
        logger,
      });
      relay.start();
      privacy.start();
      sweeper = setInterval(() => {
        keys.sweep().catch((err: unknown) => logger.warn({ err }, 'key sweep failed'));
      }, config.ADMIN_KEY_SWEEP_MS);
      sweeper.unref();
      ops = await startOpsServer({
        host: config.OPS_HOST,
        port: config.OPS_PORT,
        health,
        metrics,
        logger,
        readinessDetails: () => ({}),
      });
      await http.listen({ host: config.ADMIN_HOST, port: config.ADMIN_PORT });
      // bound to 0.0.0.0/::, every interface's address (Fastify's own answer is 127.0.0.1 only)
      const urls = listenUrls(http.server.address() as AddressInfo);
      addresses.http = urls[0];
      addresses.ops = ops.address;
      logger.info(
        { event: 'listening', ops: ops.address, http: urls[0], urls },
        `admin console at ${urls.join(', ')} (ops ${ops.address})`,
      );
    },
    async stop(reason) {
      logger.info({ reason }, 'admin stopping');
      if (sweeper) clearInterval(sweeper);
      await http.close();
      await relay.stop();
      for (const sub of subs) sub.unsubscribe();
      await privacy.stop(); // after the subscriptions: the last rows received are written
      await nats.close();
      await ops?.close();
      await pg.close();
    },
  };
}

// Composition root: builds every adapter once, injects them into the packet handler, and returns
// start/stop. Startup order: NATS, Redis, snapshots, then intake; stop in reverse.
import {
  Counter,
  connectNats,
  connectRedis,
  createMetricsRegistry,
  ensurePhoneStream,
  Gauge,
  HealthRegistry,
  type Logger,
  type OpsServer,
  openDeviceKeysBucket,
  openSnapshotBuckets,
  type Registry,
  type ServiceApp,
  startOpsServer,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { parseTrustedProxies } from './adapters/http/client-address.js';
import { type HttpServer, startHttpServer } from './adapters/http/http-server.js';
import { NatsAdminGateway } from './adapters/nats/admin-gateway.js';
import { NatsPhoneEventPublisher } from './adapters/nats/phone-publisher.js';
import { serveReplayResets } from './adapters/nats/replay-reset-responder.js';
import { NatsSeenAnnouncer } from './adapters/nats/seen-announcer.js';
import { type SnapshotWatcher, watchSnapshots } from './adapters/nats/snapshot-watcher.js';
import { createRadiusListener } from './adapters/radius/radius-listener.js';
import { RedisQuietReports } from './adapters/redis/redis-quiet-reports.js';
import { RedisReplayGuard } from './adapters/redis/replay-guard.js';
import { readUdpDrops, udpDropsReadable } from './adapters/udp/udp-receive-drops.js';
import { startUdpServer, type UdpServer } from './adapters/udp/udp-server.js';
import type { IngestConfig } from './config.js';
import { InMemoryDeviceDirectory } from './domain/device-directory.js';
import { DeviceKeyTable } from './domain/device-keys.js';
import { KeyRing } from './domain/key-ring.js';
import { PacketHandler } from './domain/packet-handler.js';
import { SlotTokenBuckets, TokenBucketTable } from './domain/token-bucket-table.js';
import { WifiMacIndex } from './domain/wifi-mac-index.js';
import { IngestError } from './errors.js';
import { MetricsIngestObserver } from './ingest-observer.js';

export interface IngestAddresses {
  readonly udp: string;
  readonly http: string;
  readonly ops: string;
  readonly port: number;
  /** the RADIUS accounting socket, '' when RADIUS_PORT is unset */
  readonly radius: string;
}

export interface IngestApp extends ServiceApp {
  readonly metrics: Registry;
  readonly handler: PacketHandler;
  addresses(): IngestAddresses;
  readiness(): Record<string, unknown>;
}

export async function createIngestApp(config: IngestConfig, logger: Logger): Promise<IngestApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const trustedProxies = parseTrustedProxies(config.TRUSTED_PROXIES);
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry('ingest');
  const nowMs = () => Date.now();

  const nats = await connectNats(config, 'ingest', logger);
  health.add('nats', () => nats.health());
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  try {
    redis = await connectRedis(config, logger);
  } catch (err) {
    await nats.close();
    throw err;
  }
  health.add('redis', () => redis.health());
  const bus = { replicas: config.NATS_REPLICAS, logger };
  await ensurePhoneStream(nats.nc, names, bus);
  const buckets = {
    ...(await openSnapshotBuckets(nats.nc, names, bus)),
    deviceKeys: await openDeviceKeysBucket(nats.nc, names, bus),
  };

  const keyRing = new KeyRing();
  const deviceKeys = new DeviceKeyTable();
  const deviceLimits = new SlotTokenBuckets({
    perSecond: config.RATE_LIMIT_DEVICE_PER_SEC,
    burst: config.RATE_LIMIT_DEVICE_BURST,
  });
  const devices = new InMemoryDeviceDirectory({ onSlotAssigned: (slot) => deviceLimits.reset(slot) });
  const observer = new MetricsIngestObserver(metrics, logger.child({ component: 'intake' }), {
    rejectLogPerSec: config.REJECT_LOG_PER_SEC,
    rejectLogTotalPerSec: config.REJECT_LOG_TOTAL_PER_SEC,
    rejectLogTableSize: config.REJECT_LOG_TABLE_SIZE,
    nowMs,
  });
  const publisher = new NatsPhoneEventPublisher(nats.nc, names, {
    maxInFlight: config.PUBLISH_MAX_INFLIGHT,
    maxQueued: config.MAX_PENDING_PACKETS,
    timeoutMs: 5000,
  });
  const replay = new RedisReplayGuard(redis.redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    window: config.REPLAY_WINDOW,
    markerTtlMs: 2 * config.TIMESTAMP_WINDOW_MS,
  });
  const seenAnnouncer = config.QUIET_PRESENCE ? new NatsSeenAnnouncer(nats.nc, names) : null;
  const handler = new PacketHandler({
    keyRing,
    deviceKeys,
    devices,
    replay,
    publisher,
    ...(seenAnnouncer && {
      quiet: new RedisQuietReports(redis.redis, config.SA_BUS_PREFIX),
      seen: seenAnnouncer,
    }),
    admin: new NatsAdminGateway(nats.nc, names, config.ADMIN_TIMEOUT_MS, logger),
    observer,
    ipLimits: new TokenBucketTable({
      perSecond: config.RATE_LIMIT_IP_PER_SEC,
      burst: config.RATE_LIMIT_IP_BURST,
      maxEntries: config.RATE_LIMIT_TABLE_SIZE,
    }),
    deviceLimits,
    timestampWindowMs: config.TIMESTAMP_WINDOW_MS,
    nowMs,
    monotonicSeconds: () => performance.now() / 1000,
  });

  const wifiMacs = new WifiMacIndex();
  const radius = createRadiusListener({
    config,
    nc: nats.nc,
    names,
    devices,
    wifiMacs,
    publisher,
    observer,
    metrics,
    logger: logger.child({ component: 'radius' }),
  });

  new Gauge({
    name: 'sa_ingest_devices_known',
    help: 'Devices in the snapshot cache',
    registers: [metrics],
    collect() {
      this.set(devices.size);
    },
  });
  new Gauge({
    name: 'sa_ingest_publish_pending',
    help: 'Publishes awaiting a JetStream ack or a slot',
    registers: [metrics],
    collect() {
      this.set(publisher.pending);
    },
  });

  const readiness = () => {
    const s = keyRing.summary(nowMs());
    return {
      defaultKeyInUse: s.defaultKeyInUse,
      keyRingSource: s.source,
      acceptedKeyIds: s.keyIds,
      serverKeysDisabled: s.serverKeysDisabled,
      devicesKnown: devices.size,
      devicesWithOwnKeys: deviceKeys.size,
      ...radius?.readiness(),
      ...(s.defaultKeyInUse
        ? { warning: 'the default phone key 1234567890123456 is accepted: set a new one' }
        : {}),
    };
  };
  let defaultWarned = false;
  const warnIfDefault = () => {
    const inUse = keyRing.summary(nowMs()).defaultKeyInUse;
    if (inUse && !defaultWarned) {
      logger.warn(
        { event: 'default_key_in_use' },
        'the default phone key 1234567890123456 is accepted; anyone can forge presence: run smart-set-secret',
      );
    }
    defaultWarned = inUse;
  };

  let watcher: SnapshotWatcher | undefined;
  let replayResets: ReturnType<typeof serveReplayResets> | undefined;
  let udp: UdpServer | undefined;
  let http: HttpServer | undefined;
  let ops: OpsServer | undefined;
  health.add('snapshots', () => ({
    status: watcher?.state() === 'ready' ? 'up' : 'down',
    detail: watcher?.state() ?? 'not started',
  }));
  if (udpDropsReadable()) {
    let seen = 0;
    new Counter({
      name: 'sa_ingest_udp_receive_drops_total',
      help: 'Datagrams the kernel dropped for the intake socket before ingest read them (receive buffer full), from /proc/net/udp',
      registers: [metrics],
      collect() {
        const drops = udp ? readUdpDrops(udp.port) : undefined;
        if (drops === undefined) return;
        const delta = drops >= seen ? drops - seen : drops; // a new socket counts from 0 again
        seen = drops;
        if (delta > 0) this.inc(delta);
      },
    });
  }

  const startIntake = async (): Promise<void> => {
    const attempts = config.INGEST_PORT === 0 ? 20 : 1;
    for (let i = 0; i < attempts; i++) {
      udp = await startUdpServer(
        {
          host: config.INGEST_HOST,
          port: config.INGEST_PORT,
          recvBufferBytes: config.UDP_RECV_BUFFER_BYTES,
          maxPending: config.MAX_PENDING_PACKETS,
          onOverload: (src) => observer.dropped('overloaded', src, 'udp'),
        },
        (packet, src) => handler.handle(packet, src, 'udp'),
      );
      try {
        http = await startHttpServer(
          {
            host: config.INGEST_HOST,
            port: udp.port,
            trustedProxies,
            onTooLarge: (src) => observer.rejected('too_large', src, 'http'),
          },
          (packet, src) => handler.handle(packet, src, 'http'),
        );
        return;
      } catch (cause) {
        await udp.close();
        udp = undefined;
        if (i === attempts - 1)
          throw new IngestError('INGEST_LISTEN_PORT_BUSY', { port: config.INGEST_PORT }, { cause });
      }
    }
  };

  return {
    metrics,
    handler,
    readiness,
    addresses: () => ({
      udp: udp?.address ?? '',
      http: http?.address ?? '',
      ops: ops?.address ?? '',
      port: udp?.port ?? 0,
      radius: radius?.address() ?? '',
    }),
    async start() {
      watcher = await watchSnapshots(
        buckets,
        { directory: devices, keyRing, deviceKeys, wifiMacs },
        logger,
        warnIfDefault,
      );
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(resolve, config.SNAPSHOT_WAIT_MS, 'timeout').unref(),
      );
      if ((await Promise.race([watcher.loaded, timeout])) === 'timeout') {
        logger.warn(
          { event: 'snapshots_slow' },
          'devices/keys snapshot not loaded yet; starting anyway (not ready)',
        );
      }
      warnIfDefault();
      replayResets = serveReplayResets(nats.nc, names, replay, logger);
      await startIntake();
      await radius?.start();
      ops = await startOpsServer({
        host: config.OPS_HOST,
        port: config.OPS_PORT,
        health,
        metrics,
        logger,
        readinessDetails: readiness,
      });
      logger.info(
        {
          event: 'listening',
          ops: ops.address,
          udp: udp!.address,
          http: http!.address,
          radius: radius?.address(),
        },
        `ingest listening on udp ${udp!.address} and ${http!.address}`,
      );
    },
    async stop(reason: string) {
      await udp?.close();
      await http?.close();
      await radius?.stop();
      const deadline = Date.now() + 2000; // let accepted packets get their ack
      while (publisher.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      publisher.close();
      seenAnnouncer?.flush();
      replayResets?.unsubscribe();
      watcher?.stop();
      await ops?.close();
      await nats.close();
      await redis.close();
      logger.info({ event: 'intake_closed', reason }, 'ingest closed');
    },
  };
}

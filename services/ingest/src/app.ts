// Composition root: builds every adapter once, injects them into the packet handler, and returns
// start/stop. Startup order: NATS, Redis, snapshots, then intake; stop in reverse.
import {
  createMetricsRegistry,
  HealthRegistry,
  type Logger,
  type OpsServer,
  type Registry,
  type ServiceApp,
  startOpsServer,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { parseTrustedProxies } from './adapters/http/client-address.js';
import { NatsAdminGateway } from './adapters/nats/admin-gateway.js';
import { NatsPhoneEventPublisher } from './adapters/nats/phone-publisher.js';
import { serveReplayResets } from './adapters/nats/replay-reset-responder.js';
import { createRadiusListener } from './adapters/radius/radius-listener.js';
import { RedisReplayGuard } from './adapters/redis/replay-guard.js';
import type { IngestConfig } from './config.js';
import { PacketHandler } from './domain/packet-handler.js';
import { SlotTokenBuckets, TokenBucketTable } from './domain/token-bucket-table.js';
import { MetricsIngestObserver } from './ingest-observer.js';
import { InFlightPublishes } from './wiring/in-flight-publishes.js';
import { connectIngestBus } from './wiring/ingest-bus.js';
import { observeIngestState } from './wiring/ingest-gauges.js';
import { ingestSettings } from './wiring/ingest-settings.js';
import { Intake, type IntakeAddresses } from './wiring/intake.js';
import { defaultKeyWarner, ingestReadiness } from './wiring/key-ring-status.js';
import { quietPresence } from './wiring/quiet-wiring.js';
import { SnapshotCache } from './wiring/snapshot-cache.js';

export interface IngestAddresses extends IntakeAddresses {
  readonly ops: string;
}

export interface IngestApp extends ServiceApp {
  readonly metrics: Registry;
  readonly handler: PacketHandler;
  addresses(): IngestAddresses;
  readiness(): Record<string, unknown>;
}

export async function buildIngestApp(config: IngestConfig, logger: Logger): Promise<IngestApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const trustedProxies = parseTrustedProxies(config.TRUSTED_PROXIES);
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry('ingest');
  const nowMs = () => Date.now();
  const settings = ingestSettings(config, nowMs);
  const { nats, redis, buckets, close: closeBus } = await connectIngestBus(config, names, logger, health);

  const deviceLimits = new SlotTokenBuckets(settings.deviceLimits);
  // a slot handed to another device starts with a full bucket
  const snapshots = new SnapshotCache({ onSlotAssigned: (slot) => deviceLimits.reset(slot) });
  const { keyRing, deviceKeys, devices, wifiMacs } = snapshots;
  const intakeLog = logger.child({ component: 'intake' });
  const observer = new MetricsIngestObserver(metrics, intakeLog, settings.observer);
  const streamPublisher = new NatsPhoneEventPublisher(nats.nc, names, settings.publisher);
  const publisher = new InFlightPublishes(streamPublisher); // what stop drains: packets and RADIUS use it
  const replay = new RedisReplayGuard(redis.redis, settings.replay);
  const quiet = quietPresence(config, nats.nc, redis.redis, names, logger); // null: QUIET_PRESENCE off
  const handler = new PacketHandler({
    keyRing,
    deviceKeys,
    devices,
    replay,
    publisher,
    ...(quiet && { quiet: quiet.quiet, seen: quiet.seen }),
    admin: new NatsAdminGateway(nats.nc, names, config.ADMIN_TIMEOUT_MS, logger),
    observer,
    ipLimits: new TokenBucketTable(settings.ipLimits),
    deviceLimits,
    timestampWindowMs: config.TIMESTAMP_WINDOW_MS,
    nowMs,
    monotonicSeconds: () => performance.now() / 1000,
  });
  const radiusDeps = { config, nc: nats.nc, names, devices, wifiMacs, publisher, observer, metrics };
  const radius = createRadiusListener({ ...radiusDeps, logger: logger.child({ component: 'radius' }) });
  const intake = new Intake({ config, trustedProxies, observer, handler, radius });

  const gaugeSources = { devices, publisher: streamPublisher, quiet: quiet?.quiet };
  observeIngestState(metrics, { ...gaugeSources, udpPort: () => intake.udpPort() });
  health.add('snapshots', snapshots.health);
  const readiness = ingestReadiness({ keyRing, devices, deviceKeys, radius, nowMs });
  const warnIfDefault = defaultKeyWarner(keyRing, logger, nowMs);
  let replayResets: ReturnType<typeof serveReplayResets> | undefined;
  let ops: OpsServer | undefined;

  return {
    metrics,
    handler,
    readiness,
    addresses: () => ({ ...intake.addresses(), ops: ops?.address ?? '' }),
    async start() {
      await snapshots.start(buckets, config.SNAPSHOT_WAIT_MS, logger, warnIfDefault);
      warnIfDefault();
      replayResets = serveReplayResets(nats.nc, names, replay, logger);
      quiet?.floors?.start();
      await intake.start();
      const { OPS_HOST: host, OPS_PORT: port } = config;
      ops = await startOpsServer({ host, port, health, metrics, logger, readinessDetails: readiness });
      const { udp, http } = intake.addresses();
      const listening = { event: 'listening', ops: ops.address, udp, http, radius: radius?.address() };
      logger.info(listening, `ingest listening on udp ${udp} and ${http}`);
    },
    async stop(reason: string) {
      await intake.stop(); // no new packets
      await publisher.drain(settings.publishDrainMs); // let accepted packets get their ack
      streamPublisher.close();
      quiet?.seen.flush();
      quiet?.floors?.stop();
      replayResets?.unsubscribe();
      snapshots.stop();
      await ops?.close();
      await closeBus();
      logger.info({ event: 'intake_closed', reason }, 'ingest closed');
    },
  };
}

// The RADIUS accounting feature, wired: the clients snapshot, the codec/intake, the accounting
// handler and a UDP socket of its own (RADIUS_PORT). Off unless RADIUS_PORT is set; the clients
// bucket (shared secrets) is not even opened then.
import type { NatsConnection } from '@nats-io/transport-node';
import { Gauge, type Logger, openRadiusClientsBucket, type Registry } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import type { IngestConfig } from '../../config.js';
import { AccountingHandler } from '../../domain/accounting-handler.js';
import type { DeviceDirectory, PhoneEventPublisher, RadiusObserver } from '../../domain/ports.js';
import { TokenBucketTable } from '../../domain/token-bucket-table.js';
import type { WifiMacIndex } from '../../domain/wifi-mac-index.js';
import { IngestError } from '../../errors.js';
import { type AccountingClientsWatcher, watchAccountingClients } from '../nats/accounting-clients-watcher.js';
import { startUdpServer, type UdpServer } from '../udp/udp-server.js';
import { AccountingClientTable } from './accounting-client-table.js';
import { RadiusIntake } from './radius-intake.js';

export interface RadiusListenerDeps {
  readonly config: IngestConfig;
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly devices: DeviceDirectory;
  readonly wifiMacs: WifiMacIndex;
  readonly publisher: PhoneEventPublisher;
  readonly observer: RadiusObserver;
  readonly metrics: Registry;
  readonly logger: Logger;
}

export interface RadiusListener {
  /** host:port, '' before start */
  address(): string;
  readiness(): Record<string, unknown>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createRadiusListener(deps: RadiusListenerDeps): RadiusListener | undefined {
  const { config } = deps;
  if (config.RADIUS_PORT === undefined) return undefined;
  const port = config.RADIUS_PORT;
  const clients = new AccountingClientTable();
  const nowMs = () => Date.now();
  const monotonicSeconds = () => performance.now() / 1000;
  const intake = new RadiusIntake({
    clients,
    handler: new AccountingHandler({
      macs: deps.wifiMacs,
      devices: deps.devices,
      publisher: deps.publisher,
      observer: deps.observer,
      nowMs,
      monotonicSeconds,
      rememberMs: config.RADIUS_DEDUPE_MS,
      rememberMax: 200_000,
    }),
    observer: deps.observer,
    limits: new TokenBucketTable({
      perSecond: config.RADIUS_RATE_LIMIT_PER_SEC,
      burst: config.RADIUS_RATE_LIMIT_BURST,
      maxEntries: config.RATE_LIMIT_TABLE_SIZE,
    }),
    nowMs,
    monotonicSeconds,
  });
  new Gauge({
    name: 'sa_ingest_radius_clients',
    help: 'Enabled RADIUS accounting clients loaded from admin',
    registers: [deps.metrics],
    collect() {
      this.set(clients.size);
    },
  });
  let watcher: AccountingClientsWatcher | undefined;
  let udp: UdpServer | undefined;
  return {
    address: () => udp?.address ?? '',
    readiness: () => ({
      radiusClients: clients.size,
      radiusClientsLoaded: watcher?.loadedYet() ?? false,
      wifiMacsKnown: deps.wifiMacs.size,
    }),
    async start() {
      const bucket = await openRadiusClientsBucket(deps.nc, deps.names);
      watcher = await watchAccountingClients(bucket, clients, deps.logger);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.SNAPSHOT_WAIT_MS).unref());
      await Promise.race([watcher.loaded, timeout]);
      try {
        udp = await startUdpServer(
          {
            host: config.RADIUS_HOST,
            port,
            recvBufferBytes: config.UDP_RECV_BUFFER_BYTES,
            maxPending: config.MAX_PENDING_PACKETS,
            onOverload: (src) => deps.observer.radiusDropped('overloaded', src),
          },
          (packet, src) => intake.handle(packet, src),
        );
      } catch (cause) {
        watcher.stop();
        throw new IngestError('INGEST_RADIUS_LISTEN_FAILED', { host: config.RADIUS_HOST, port }, { cause });
      }
    },
    async stop() {
      await udp?.close();
      watcher?.stop();
    },
  };
}

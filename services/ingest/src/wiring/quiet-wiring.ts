// Change-driven presence (QUIET_PRESENCE): router's marks and ingest's liveness in Redis, the
// console's last seen of reports answered without the bus, and router's acknowledged floors that
// let identical reports wait with the one router has still to apply (docs/performance.md).
import type { Logger, NatsConnection, Redis } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { PartitionAckFloors } from '../adapters/nats/partition-ack-floors.js';
import { NatsSeenAnnouncer } from '../adapters/nats/seen-announcer.js';
import { RedisQuietReports } from '../adapters/redis/redis-quiet-reports.js';
import type { IngestConfig } from '../config.js';

/** null when QUIET_PRESENCE is off: every report is published */
export function quietPresence(
  config: Pick<IngestConfig, 'QUIET_PRESENCE' | 'QUIET_WHILE_BEHIND' | 'SA_BUS_PREFIX'>,
  nc: NatsConnection,
  redis: Redis,
  names: BusNames,
  logger: Logger,
) {
  if (!config.QUIET_PRESENCE) return null;
  const floors = config.QUIET_WHILE_BEHIND
    ? new PartitionAckFloors(nc, names.phoneStream, logger.child({ component: 'floors' }))
    : null;
  return {
    quiet: new RedisQuietReports(redis, config.SA_BUS_PREFIX, floors ?? undefined),
    seen: new NatsSeenAnnouncer(nc, names),
    floors,
  };
}

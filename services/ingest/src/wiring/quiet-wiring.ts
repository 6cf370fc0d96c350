// Change-driven presence (QUIET_PRESENCE): router's marks and ingest's liveness in Redis, the
// console's last seen of reports answered without the bus, and router's acknowledged floors that
// let identical reports wait with the one router has still to apply (docs/performance.md).
import type { Logger, NatsConnection, Redis } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { PartitionAckFloors } from '../adapters/nats/partition-ack-floors.js';
import { NatsSeenAnnouncer } from '../adapters/nats/seen-announcer.js';
import { RedisQuietReports } from '../adapters/redis/redis-quiet-reports.js';

export function quietPresence(
  nc: NatsConnection,
  redis: Redis,
  names: BusNames,
  busPrefix: string,
  logger: Logger,
) {
  const floors = new PartitionAckFloors(nc, names.phoneStream, logger.child({ component: 'floors' }));
  return {
    quiet: new RedisQuietReports(redis, busPrefix, floors),
    seen: new NatsSeenAnnouncer(nc, names),
    floors,
  };
}

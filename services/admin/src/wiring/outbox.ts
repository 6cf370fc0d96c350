// The outbox relay, which carries committed changes from Postgres to the KV snapshots and the bus,
// and its backlog as a gauge: read from Postgres when Prometheus scrapes; a failed read keeps the
// last value rather than failing the scrape.
import { Gauge, type Logger, type Registry } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { OutboxRelay } from '../adapters/nats/outbox-relay.js';
import type { AdminConfig } from '../config.js';
import type { SecretBox } from '../domain/secret-box.js';
import type { AdminStores } from './admin-stores.js';

export function buildOutboxRelay(
  stores: AdminStores,
  names: BusNames,
  box: SecretBox,
  config: AdminConfig,
  logger: Logger,
): OutboxRelay {
  return new OutboxRelay({
    pool: stores.pg.pool,
    nc: stores.nats.nc,
    names,
    buckets: stores.buckets,
    deviceKeys: stores.deviceKeysBucket,
    radiusClients: stores.radiusClientsBucket,
    box,
    logger,
    pollMs: config.ADMIN_OUTBOX_POLL_MS,
  });
}

export function observeOutbox(metrics: Registry, relay: Pick<OutboxRelay, 'pending'>): void {
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
}

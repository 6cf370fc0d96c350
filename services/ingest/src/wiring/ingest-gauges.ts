// The gauges that read ingest's state when Prometheus scrapes (the per-packet counters live in
// MetricsIngestObserver): devices known, publishes pending, unstored copies sent, reports answered
// while router had still to apply their device's previous one, and the kernel's UDP receive drops.
import { Counter, Gauge, type Registry } from '@sa/platform';
import { readUdpDrops, udpDropsReadable } from '../adapters/udp/udp-receive-drops.js';

export interface GaugeSources {
  readonly devices: { readonly size: number };
  readonly publisher: { readonly pending: number; readonly unstoredCopies: number };
  /** change-driven presence, when on */
  readonly quiet?: { readonly waitingAnswered: number } | undefined;
  /** the intake socket's port, undefined while it is not bound */
  readonly udpPort: () => number | undefined;
}

export function observeIngestState(metrics: Registry, sources: GaugeSources): void {
  const { devices, publisher, quiet, udpPort } = sources;
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
  totalCounter(
    metrics,
    'sa_ingest_unstored_copies_total',
    'Phone events the stream did not acknowledge, sent to router on core NATS (see BusNames.unstored)',
    () => publisher.unstoredCopies,
  );
  if (quiet) {
    totalCounter(
      metrics,
      'sa_ingest_presence_waiting_total',
      "Presence reports answered without the bus because they repeat their device's published report that router has still to apply (router behind)",
      () => quiet.waitingAnswered,
    );
  }
  if (!udpDropsReadable()) return; // no /proc/net/udp (not Linux): no counter rather than a false 0
  let seen = 0;
  new Counter({
    name: 'sa_ingest_udp_receive_drops_total',
    help: 'Datagrams the kernel dropped for the intake socket before ingest read them (receive buffer full), from /proc/net/udp',
    registers: [metrics],
    collect() {
      const port = udpPort();
      const drops = port !== undefined ? readUdpDrops(port) : undefined;
      if (drops === undefined) return;
      const delta = drops >= seen ? drops - seen : drops; // a new socket counts from 0 again
      seen = drops;
      if (delta > 0) this.inc(delta);
    },
  });
}

/** A counter that follows a running total kept by its owner, read at each scrape. */
function totalCounter(metrics: Registry, name: string, help: string, total: () => number): void {
  let counted = 0;
  new Counter({
    name,
    help,
    registers: [metrics],
    collect() {
      const now = total();
      this.inc(now - counted);
      counted = now;
    },
  });
}

// Tells admin's presence board when phones answered without the bus (change-driven presence) were
// last seen: the newest instant per device, one core-NATS DevicesSeen per interval (chunked), so the
// console's "last seen" stays current at a cost of a few bytes per report instead of a pipeline.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { SeenAnnouncer } from '../../domain/ports.js';

const CHUNK = 4000;

export class NatsSeenAnnouncer implements SeenAnnouncer {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly intervalMs = 1000,
  ) {}

  seen(deviceId: string, atMs: number): void {
    this.pending.set(deviceId, atMs);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Publishes what is pending now (also on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entries = [...this.pending];
    this.pending = new Map();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      const msg = v1.DevicesSeen.create({
        deviceIds: chunk.map(([id]) => id),
        seenAtMs: chunk.map(([, at]) => at),
      });
      try {
        this.nc.publish(this.names.devicesSeen, encodeMessage(v1.DevicesSeen, msg, 'DevicesSeen'));
      } catch {
        // a closed connection at shutdown: the board learns at the next report
      }
    }
  }
}

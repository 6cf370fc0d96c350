// DeviceReported publisher: every presence report router applied, with the decision after it, for
// the console's board and device list (last seen, online within router's presence timeout).
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { DeviceReport, DeviceReportPublisher } from '../../routing/ports.js';
import { CoalescingPublisher } from './coalescing-publisher.js';
import { toDeviceReported } from './proto-mapping.js';

export class NatsDeviceReportPublisher implements DeviceReportPublisher {
  private readonly out: CoalescingPublisher;

  constructor(
    nc: NatsConnection,
    private readonly names: BusNames,
    /** router's PRESENCE_TIMEOUT_S in ms, sent with every report so the console counts "online" alike */
    private readonly presenceTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.out = new CoalescingPublisher(nc);
  }

  /** Never throws: the device's next report replaces a lost one. */
  deviceReported(r: DeviceReport): void {
    const onError = (err: unknown) =>
      this.logger.warn({ err, extension: r.extension }, 'DeviceReported not published');
    try {
      this.out.publish(
        this.names.deviceReported(r.extension),
        encodeMessage(v1.DeviceReported, toDeviceReported(r, this.presenceTimeoutMs), 'DeviceReported'),
        undefined,
        onError,
      );
    } catch (err) {
      onError(err);
    }
  }
}

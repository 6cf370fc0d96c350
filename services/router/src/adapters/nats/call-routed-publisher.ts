// CallRouted publisher: each call router answered, for admin's call history (docs/privacy.md).
// Core NATS, fire-and-forget: a lost event costs one history row, never a call.
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { CallRoutedPublisher, RoutedCall } from '../../routing/call-desk.js';
import { CoalescingPublisher } from './coalescing-publisher.js';

export class NatsCallRoutedPublisher implements CallRoutedPublisher {
  private readonly out: CoalescingPublisher;

  constructor(
    nc: Pick<NatsConnection, 'publish'>,
    private readonly names: BusNames,
    private readonly logger: Logger,
  ) {
    this.out = new CoalescingPublisher(nc);
  }

  /** Never throws. */
  callRouted(c: RoutedCall): void {
    const onError = (err: unknown) =>
      this.logger.warn({ err, callId: c.callId, extension: c.extension }, 'CallRouted not published');
    try {
      const msg = v1.CallRouted.create({
        callId: c.callId,
        extension: c.extension,
        callerIdNum: c.callerIdNum,
        targetDial: c.targetDial,
        targetName: c.targetName,
        scenarioId: c.scenarioId,
        scenarioName: c.scenarioName,
        reason: c.reason,
        decidedAtMs: c.decidedAtMs,
        fallback: c.fallback,
        correctedFrom: c.correctedFrom,
      });
      this.out.publish(
        this.names.callRouted(c.extension),
        encodeMessage(v1.CallRouted, msg, 'CallRouted'),
        undefined,
        onError,
      );
    } catch (err) {
      onError(err);
    }
  }
}

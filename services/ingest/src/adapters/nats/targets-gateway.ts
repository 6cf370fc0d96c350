// ingest -> admin request/reply for list/create target (admin decides; ingest only forwards).
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { PhoneTargetsReply, PhoneTargetsRequest, TargetsGateway } from '../../domain/ports.js';

export class NatsTargetsGateway implements TargetsGateway {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async request(request: PhoneTargetsRequest): Promise<PhoneTargetsReply | undefined> {
    try {
      const msg = await this.nc.request(
        this.names.phoneTargets,
        encodeMessage(v1.PhoneTargetsRequest, request, 'PhoneTargetsRequest'),
        { timeout: this.timeoutMs },
      );
      return decodeMessage(v1.PhoneTargetsReply, msg.data, 'PhoneTargetsReply') as PhoneTargetsReply;
    } catch (err) {
      this.logger.warn({ event: 'admin_unavailable', err }, 'admin did not answer a targets request');
      return undefined;
    }
  }
}

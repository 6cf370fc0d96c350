// ingest -> admin request/reply for what admin decides: targets (list/create) and the user's own
// scenarios and places. ingest only forwards; an unanswered request is UNAVAILABLE to the phone.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type {
  AdminGateway,
  PhoneOwnDataReply,
  PhoneOwnDataRequest,
  PhoneTargetsReply,
  PhoneTargetsRequest,
} from '../../domain/ports.js';

export class NatsAdminGateway implements AdminGateway {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async targets(request: PhoneTargetsRequest): Promise<PhoneTargetsReply | undefined> {
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

  async ownData(request: PhoneOwnDataRequest): Promise<PhoneOwnDataReply | undefined> {
    try {
      const msg = await this.nc.request(
        this.names.phoneOwnData,
        encodeMessage(v1.PhoneOwnDataRequest, request, 'PhoneOwnDataRequest'),
        { timeout: this.timeoutMs },
      );
      return decodeMessage(v1.PhoneOwnDataReply, msg.data, 'PhoneOwnDataReply') as PhoneOwnDataReply;
    } catch (err) {
      this.logger.warn({ event: 'admin_unavailable', err }, 'admin did not answer an own-data request');
      return undefined;
    }
  }
}

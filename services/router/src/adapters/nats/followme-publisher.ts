// FollowMeStatusChanged publisher: the console's view of each user's FreePBX Follow Me.
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { FollowMeAnnouncement, FollowMeStatusPublisher } from '../../routing/ports.js';
import { CoalescingPublisher } from './coalescing-publisher.js';
import { toFollowMeStatusChanged } from './proto-mapping.js';

export class NatsFollowMePublisher implements FollowMeStatusPublisher {
  private readonly out: CoalescingPublisher;

  constructor(
    nc: NatsConnection,
    private readonly names: BusNames,
    private readonly logger: Logger,
  ) {
    this.out = new CoalescingPublisher(nc);
  }

  /** Never throws: a lost problem is announced again while it lasts, and the console forgets one not repeated. */
  followMeStatusChanged(extension: string, a: FollowMeAnnouncement): void {
    const onError = (err: unknown) =>
      this.logger.warn({ err, extension }, 'FollowMeStatusChanged not published');
    try {
      const msg = toFollowMeStatusChanged(extension, a);
      this.out.publish(
        this.names.followMeStatus(extension),
        encodeMessage(v1.FollowMeStatusChanged, msg, 'FollowMeStatusChanged'),
        undefined,
        onError,
      );
    } catch (err) {
      onError(err);
    }
  }
}

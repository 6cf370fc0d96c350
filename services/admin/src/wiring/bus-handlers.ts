// What admin's NATS handlers are given: the phones' requests (targets, keys, own data), the boards
// router's announcements fill, and the history recorder. Subscribing happens at start.
import type { Logger } from '@sa/platform';
import type { subscribeAll } from '../adapters/nats/handlers.js';
import type { OutboxRelay } from '../adapters/nats/outbox-relay.js';
import { PhoneRequests } from '../adapters/nats/phone-requests.js';
import type { FollowMeBoard } from '../domain/followme-board.js';
import type { PresenceBoard } from '../domain/presence-board.js';
import { PhoneOwnData } from '../own-data/phone-own-data.js';
import type { Privacy } from '../privacy/wiring.js';
import type { Repositories } from './repositories.js';

export type BusHandlers = Parameters<typeof subscribeAll>[2];

export interface BusHandlerSources {
  readonly repos: Pick<Repositories, 'phone' | 'keys' | 'ownData'>;
  readonly presence: PresenceBoard;
  readonly followMe: FollowMeBoard;
  readonly privacy: Pick<Privacy, 'recorder'>;
  /** kicked after a phone request wrote outbox rows */
  readonly relay: Pick<OutboxRelay, 'kick'>;
  readonly logger: Logger;
}

export function busHandlers(s: BusHandlerSources): BusHandlers {
  return {
    phone: new PhoneRequests(s.repos.phone, s.repos.keys, s.logger, () => s.relay.kick()),
    ownData: new PhoneOwnData(s.repos.phone, s.repos.ownData),
    presence: s.presence,
    followMe: s.followMe,
    history: s.privacy.recorder,
    logger: s.logger,
  };
}

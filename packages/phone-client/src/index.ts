export { flipBit, truncate } from './garble.js';
export { type KnockOptions, type KnockProtocol, knock, parseKnockPorts } from './knock.js';
export {
  defaultPadding,
  PhoneClient,
  type PhoneIdentity,
  type RequestBody,
  type SendOptions,
  type SendResult,
} from './phone-client.js';
export { type Endpoint, sendPacket, type TransportKind } from './transports.js';

export { flipBit, truncate } from './garble.js';
export { type KnockOptions, type KnockProtocol, knock, parseKnockPorts } from './knock.js';
export {
  type CounterStore,
  defaultPadding,
  PhoneClient,
  type PhoneClientOptions,
  type PhoneIdentity,
  type RequestBody,
  type SendOptions,
  type SendResult,
} from './phone-client.js';
export { type Endpoint, sendPacket, type TransportKind } from './transports.js';

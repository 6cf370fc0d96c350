import { smartassistant } from './gen/proto.js';

/** Generated message classes of package smartassistant.v1. */
export const v1 = smartassistant.v1;
export {
  decodeMessage,
  encodeMessage,
  type MessageDecoder,
  type MessageType,
  ProtoDecodeError,
  ProtoInvalidError,
} from './codec.js';
export type { smartassistant } from './gen/proto.js';
export { type BusNames, busNames } from './subjects.js';

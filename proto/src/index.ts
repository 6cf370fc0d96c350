import { smartassistant } from './gen/proto.js';

/** Generated message classes of package smartassistant.v1. */
export const v1 = smartassistant.v1;
export type { smartassistant } from './gen/proto.js';
export { busNames, type BusNames } from './subjects.js';
export {
  decodeMessage,
  encodeMessage,
  type MessageType,
  ProtoDecodeError,
  ProtoInvalidError,
} from './codec.js';

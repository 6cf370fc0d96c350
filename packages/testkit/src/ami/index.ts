export {
  type AmiSession,
  AmiTestServer,
  type AmiTestServerOptions,
  type ReceivedAction,
  type SplitMode,
} from './ami-test-server.js';
export { amiTimestamp, eventTv, frame, response, type WireHeaders } from './ami-wire.js';
export type { FollowMeForm, FollowMePbx, FollowMeSqlRow } from './freepbx-followme.js';
export { maskVariable, VARIABLE_HEADERS } from './mask.js';
export type { SimulatedChannel } from './simulated-channel.js';

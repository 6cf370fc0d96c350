export { type Dialplan, findExtension, matchesPattern, parseDialplan } from './dialplan.js';
export { evaluate, substitute } from './expression.js';
export {
  type FollowMeForm,
  FreePbxModel,
  type FreePbxModelOptions,
  MANUAL_FOLLOW_ME,
  type ModelUser,
  type PbxFamily,
} from './freepbx-model.js';
export {
  type AppChannel,
  type CallOutcome,
  type CustomApp,
  type EndpointBehaviour,
  PbxModel,
  type PbxModelOptions,
} from './pbx-model.js';

export {
  type AmiActionOptions,
  type AmiActionResult,
  AmiClient,
  type AmiClientEvents,
  type AmiClientOptions,
  type AmiClientState,
} from './ami-client.js';
export {
  type AmiFrame,
  AmiFrameParser,
  type AmiFrameParserOptions,
  DEFAULT_PARSER_LIMITS,
} from './ami-frame-parser.js';
export { type AmiHeaders, AmiMessage } from './ami-message.js';
export { type AmiActionFields, type AmiHeaderValue, serializeAction } from './ami-serializer.js';
export { AmiError, type AmiErrorCode, amiErrorCodes, isAmiError } from './errors.js';

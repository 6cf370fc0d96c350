// The protocol (parser, serializer, message, errors) comes from @sa/ami-protocol; re-exported so
// that users of the client need one import.
export {
  type AmiActionFields,
  AmiError,
  type AmiErrorCode,
  type AmiFrame,
  AmiFrameParser,
  type AmiFrameParserOptions,
  type AmiHeaders,
  type AmiHeaderValue,
  AmiMessage,
  amiErrorCodes,
  DEFAULT_PARSER_LIMITS,
  isAmiError,
  serializeAction,
} from '@sa/ami-protocol';
export {
  type AmiActionOptions,
  type AmiActionResult,
  AmiClient,
  type AmiClientEvents,
  type AmiClientOptions,
  type AmiClientState,
} from './ami-client.js';

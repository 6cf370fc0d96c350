// The AMI protocol as pure code over bytes: the streaming frame parser, the action serializer, the
// message type and the one catalogue of AMI error codes. No sockets: @sa/ami's client feeds it, and
// so does the AMI test server (@sa/testkit/ami), which is why it is a package of its own (@sa/ami's
// tests use that server; the server needs the parser, not the client).
export {
  type AmiFrame,
  AmiFrameParser,
  type AmiFrameParserOptions,
  DEFAULT_PARSER_LIMITS,
} from './ami-frame-parser.js';
export { type AmiHeaders, AmiMessage } from './ami-message.js';
export { type AmiActionFields, type AmiHeaderValue, serializeAction } from './ami-serializer.js';
export { AmiError, type AmiErrorCode, amiErrorCodes, isAmiError } from './errors.js';

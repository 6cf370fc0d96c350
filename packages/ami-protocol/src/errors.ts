// The one catalogue of AMI error codes: the protocol's and those of @sa/ami's client. Every code has
// a message template; errors.test.ts fails when this package uses a code without documentation
// (the client's codes are typed as AmiErrorCode, so the compiler checks those).

export const amiErrorCodes = {
  AMI_ACTION_TIMEOUT: 'no response to the action within its timeout',
  AMI_ACTION_FAILED: 'Asterisk answered the action with Response: Error',
  AMI_DISCONNECTED: 'the connection closed before the action completed',
  AMI_NOT_CONNECTED: 'the client is not logged in; the action was not sent',
  AMI_CLOSED: 'the client was closed',
  AMI_LOGIN_FAILED: 'Asterisk rejected the login (wrong user, secret or ACL)',
  AMI_BANNER_INVALID: 'the server did not greet with an Asterisk Call Manager banner',
  AMI_INVALID_HEADER: 'an action header name or value contains CR, LF or a colon in the name',
  AMI_PARSE_LINE_TOO_LONG: 'a line exceeded the maximum line length; bytes skipped to the next message',
  AMI_PARSE_MESSAGE_TOO_LARGE:
    'a message exceeded the maximum message size; bytes skipped to the next message',
  AMI_PARSE_MALFORMED_LINE: 'a line without a colon was found in a message and ignored',
} as const;

export type AmiErrorCode = keyof typeof amiErrorCodes;

export class AmiError extends Error {
  override readonly name = 'AmiError';
  readonly code: AmiErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: AmiErrorCode,
    message: string = amiErrorCodes[code],
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

export function isAmiError(err: unknown, code?: AmiErrorCode): err is AmiError {
  return err instanceof AmiError && (code === undefined || err.code === code);
}

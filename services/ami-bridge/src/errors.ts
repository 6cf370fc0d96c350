// ami-bridge error codes. AMI_* codes from @sa/ami are passed through in AmiResult.error_code.
import { AppError } from '@sa/platform';

export const amiBridgeErrorCodes = {
  AMI_BRIDGE_COMMAND_INVALID: 'the AmiCommand could not be decoded or misses a required field',
  AMI_BRIDGE_COMMAND_UNSUPPORTED: 'the AmiCommand carries no action this bridge executes',
  AMI_BRIDGE_DECISION_TIMEOUT: 'router gave no RouteDecision within the call wait budget',
  AMI_BRIDGE_DECISION_FAILED: 'asking router for a RouteDecision failed (no responder or bad reply)',
  AMI_BRIDGE_REDIRECT_FAILED: 'the Redirect of a waiting call failed; the dialplan fallback handles it',
  AMI_BRIDGE_INTERNAL: 'an unexpected error while executing a command',
} as const;

export type AmiBridgeErrorCode = keyof typeof amiBridgeErrorCodes;

export class AmiBridgeError extends AppError {
  override readonly name = 'AmiBridgeError';
  constructor(
    code: AmiBridgeErrorCode,
    message: string = amiBridgeErrorCodes[code],
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

// ami-bridge error codes. AMI_* codes from @sa/ami are passed through in AmiResult.error_code.
import { AppError, defineErrors } from '@sa/platform';

export const amiBridgeErrorCodes = defineErrors('AMI_BRIDGE', {
  AMI_BRIDGE_COMMAND_INVALID: { text: 'the AmiCommand could not be decoded or misses a required field' },
  AMI_BRIDGE_COMMAND_UNSUPPORTED: { text: 'the AmiCommand carries no action this bridge executes' },
  AMI_BRIDGE_DECISION_TIMEOUT: { text: 'router gave no RouteDecision within the call wait budget' },
  AMI_BRIDGE_DECISION_FAILED: {
    text: 'asking router for a RouteDecision failed (no responder or bad reply)',
  },
  AMI_BRIDGE_REDIRECT_FAILED: {
    text: 'the Redirect of a waiting call failed; the dialplan fallback handles it',
  },
  AMI_BRIDGE_INTERNAL: { text: 'an unexpected error while executing a command' },
});

export type AmiBridgeErrorCode = keyof typeof amiBridgeErrorCodes;

export class AmiBridgeError extends AppError {
  override readonly name = 'AmiBridgeError';
  constructor(
    code: AmiBridgeErrorCode,
    message: string = amiBridgeErrorCodes[code].text,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

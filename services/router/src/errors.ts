// The router's error codes: ROUTER_<AREA>_<WHAT>. Every code is documented here (see errors.test.ts).
import { AppError, defineErrors } from '@sa/platform';

export const routerErrorCodes = defineErrors('ROUTER', {
  ROUTER_AMI_COMMAND_FAILED: {
    text: 'ami-bridge answered an AstDB write with an error; retried with backoff',
  },
  ROUTER_AMI_UNREACHABLE: {
    text: 'ami-bridge did not answer an AstDB write in time (or none is listening); retried with backoff',
  },
  ROUTER_COMMIT_CONFLICT: {
    text: 'a user state commit kept losing compare-and-set races; the batch is retried unacked',
  },
  ROUTER_EVENT_UNDECODABLE: { text: 'a phone event could not be decoded; it is logged, counted and skipped' },
  ROUTER_CALL_UNDECODABLE: {
    text: 'a CallArrived request could not be decoded; answered with a fallback decision',
  },
  ROUTER_STATE_UNAVAILABLE: {
    text: 'Redis could not be read on the call path; answered with a fallback decision',
  },
  ROUTER_FOLLOWME_READ_FAILED: {
    text: 'the Follow-Me check could not read AMPUSER from AstDB (ami-bridge down, AMI user without write=command, answer too large); the last list read, else FOLLOWME_INTERNAL_PATTERN, decides about #',
  },
  ROUTER_FOLLOWME_MISSING: {
    text: "a user in Follow-Me mode has no saved Follow Me or is no FreePBX extension: FreePBX ignores router's keys until the page is saved",
  },
});

export type RouterErrorCode = keyof typeof routerErrorCodes;

export class RouterError extends AppError {
  override readonly name = 'RouterError';
  constructor(
    code: RouterErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

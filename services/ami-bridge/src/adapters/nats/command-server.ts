// names.amiCommand request/reply (queue group "ami-bridge"): AmiCommand -> AmiResult, executed
// in order per order_key.
import { type AmiClient, AmiError } from '@sa/ami';
import { AppError, type Logger, type NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { resultFields, toAmiAction } from '../../domain/command-mapping.js';
import { parseDatabaseShow } from '../../domain/database-show.js';
import type { KeyedSerialQueue } from '../../domain/keyed-serial-queue.js';

export interface CommandServerDeps {
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly ami: AmiClient;
  readonly queue: KeyedSerialQueue;
  readonly logger: Logger;
  readonly defaultTimeoutMs: number;
  /** a Redirect command succeeded (the call flow follows a tracked call to its new target) */
  readonly onRedirected?: (channel: string, exten: string) => void;
}

export function subscribeCommands(d: CommandServerDeps): { stop(): void } {
  const sub = d.nc.subscribe(d.names.amiCommand, {
    queue: 'ami-bridge',
    callback: (_err, msg) => {
      let cmd: smartassistant.v1.IAmiCommand;
      try {
        cmd = decodeMessage(v1.AmiCommand, msg.data, 'AmiCommand');
      } catch (err) {
        msg.respond(
          encodeResult({
            ok: false,
            errorCode: 'AMI_BRIDGE_COMMAND_INVALID',
            message: String((err as Error).message),
          }),
        );
        return;
      }
      void d.queue
        .run(cmd.orderKey ?? '', () => execute(d, cmd))
        .then((result) => {
          if (result.ok && cmd.redirect?.channel)
            d.onRedirected?.(cmd.redirect.channel, cmd.redirect.exten ?? '');
          msg.respond(encodeResult(result));
        });
    },
  });
  return { stop: () => sub.unsubscribe() };
}

async function execute(
  d: CommandServerDeps,
  cmd: smartassistant.v1.IAmiCommand,
): Promise<smartassistant.v1.IAmiResult> {
  const requestId = cmd.requestId ?? '';
  try {
    const req = toAmiAction(cmd);
    const r = await d.ami.action(req.action, req.fields, {
      timeoutMs: cmd.timeoutMs || d.defaultTimeoutMs,
      acceptError: true,
    });
    const response = r.response.response ?? '';
    const message = r.response.get('Message') ?? '';
    if (req.dbEntries) {
      // Asterisk 14+: `Response: Success` + one `Output:` header per line; older: `Response: Follows`
      const ok = /^(success|follows)$/i.test(response);
      const output = r.response.getAll('Output');
      return {
        requestId,
        ok,
        response,
        message,
        dbEntries: ok ? parseDatabaseShow(output.length > 0 ? output : (r.response.output ?? [])) : [],
        errorCode: ok ? '' : 'AMI_ACTION_FAILED',
      };
    }
    const ok =
      response.toLowerCase() === 'success' || (req.missingIsOk && /not (found|be deleted)/i.test(message));
    return {
      requestId,
      ok,
      response,
      message,
      fields: resultFields(
        r.response.headers(),
        r.events.map((e) => e.headers()),
      ),
      errorCode: ok ? '' : 'AMI_ACTION_FAILED',
    };
  } catch (err) {
    if (err instanceof AmiError || err instanceof AppError) {
      return { requestId, ok: false, errorCode: err.code, message: err.message };
    }
    d.logger.error({ err, requestId }, 'AMI command failed unexpectedly');
    return { requestId, ok: false, errorCode: 'AMI_BRIDGE_INTERNAL', message: String(err) };
  }
}

function encodeResult(r: smartassistant.v1.IAmiResult): Uint8Array {
  return encodeMessage(v1.AmiResult, v1.AmiResult.create(r), 'AmiResult');
}

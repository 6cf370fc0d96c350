// `sa-phone enrol <text | image | ->` and `sa-phone enrolment show|forget`: the phone side of
// per-device enrolment (docs/protocol.md section 3.5). Nothing printed ever holds the secret.
import { readFileSync } from 'node:fs';
import { parseEnrolment } from '@sa/phone-protocol';
import type { Command } from 'commander';
import { EnrolmentStore, statePath, withoutSecret } from './enrolment-store.js';
import { imageKind, readQrImage } from './qr-image.js';

const PAYLOAD = /^\s*smartassistant:/i;

export function registerEnrolmentCommands(program: Command): void {
  program
    .command('enrol')
    .description('store the enrolment admin shows as a QR code: its text, an image of it, or - (stdin)')
    .argument(
      '<payload>',
      'smartassistant://enrol?... text, a PNG/JPEG file of the QR code, or - to read stdin',
    )
    .option('--state <file>', 'enrolment state file (env SA_PHONE_STATE)')
    .action((payload: string, o: { state?: string }) => {
      const store = new EnrolmentStore(statePath(o.state, process.env));
      const enrolment = parseEnrolment(payloadText(payload));
      const { state, replaced } = store.enrol(enrolment);
      if (replaced) {
        console.error(`replaced the enrolment of device ${replaced.deviceId} (key id ${replaced.keyId})`);
      }
      console.log(
        JSON.stringify({
          stateFile: store.path,
          enrolledAt: state.enrolledAt,
          enrolment: withoutSecret(state.enrolment),
        }),
      );
    });

  const enrolment = program.command('enrolment').description('the stored enrolment');
  enrolment
    .command('show')
    .description('print the stored enrolment (never the secret)')
    .option('--state <file>', 'enrolment state file (env SA_PHONE_STATE)')
    .action((o: { state?: string }) => {
      const store = new EnrolmentStore(statePath(o.state, process.env));
      const state = store.read();
      if (!state) {
        console.error(`not enrolled (${store.path})`);
        process.exitCode = 3;
        return;
      }
      console.log(
        JSON.stringify({
          stateFile: store.path,
          enrolledAt: state.enrolledAt,
          enrolment: withoutSecret(state.enrolment),
          lastCounter: state.lastCounter,
        }),
      );
    });
  enrolment
    .command('forget')
    .description('delete the stored enrolment (and its secret)')
    .option('--state <file>', 'enrolment state file (env SA_PHONE_STATE)')
    .action((o: { state?: string }) => {
      const store = new EnrolmentStore(statePath(o.state, process.env));
      console.error(store.forget() ? `forgot ${store.path}` : `nothing to forget (${store.path})`);
    });
}

/** The payload's text: given as is, or read from stdin or a file (QR image, or the text itself). */
function payloadText(argument: string): string {
  if (PAYLOAD.test(argument)) return argument;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(argument === '-' ? 0 : argument);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    // a mangled payload may hold the secret: name the argument only when it cannot
    const shown = /secret/i.test(argument) ? 'the argument' : argument;
    throw new Error(`${shown} is neither a smartassistant://enrol?... text nor a readable file (${code})`);
  }
  return imageKind(bytes) ? readQrImage(bytes) : Buffer.from(bytes).toString('utf8');
}

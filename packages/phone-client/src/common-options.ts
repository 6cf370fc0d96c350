// The options every sa-phone request command takes (ping, presence, choose, list, create).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { KnockProtocol } from './knock.js';
import type { ProfileOptions } from './send-profile.js';
import type { TransportKind } from './transports.js';

export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

export interface CommonOptions extends ProfileOptions {
  transport: TransportKind;
  counter?: number;
  timestamp?: number;
  pad?: number;
  timeout: number;
  knockProto: KnockProtocol;
  knockDelay: number;
  replay: number;
  flipBit?: number;
  truncate?: number;
  hex?: boolean;
}

export function withCommon(cmd: Command): Command {
  return cmd
    .option('--state <file>', 'enrolment state file (env SA_PHONE_STATE)')
    .addOption(
      new Option('-d, --device <id>', 'device id (default: the enrolled one)').env('SA_PHONE_DEVICE'),
    )
    .addOption(
      new Option('-H, --host <host>', 'ingest host (default: the enrolled ones, in order)')
        .env('SA_PHONE_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option('-p, --port <port>', 'ingest port, UDP and HTTP (default: the enrolled one)')
        .env('SA_PHONE_PORT')
        .argParser(int('port'))
        .default(8080),
    )
    .addOption(new Option('-t, --transport <kind>', 'udp or http').choices(['udp', 'http']).default('udp'))
    .option('--url <url>', 'HTTP only: full URL (e.g. https://pbx.example/v1/phone behind a proxy)')
    .addOption(
      new Option(
        '-k, --key <secret>',
        '16-character key (default: the enrolled one, else the default key)',
      ).env('SA_PHONE_KEY'),
    )
    .option('--key-id <id>', 'key id in the envelope (default: the enrolled one, else 1)', int('key id'), 1)
    .option('--own-key', 'the key is this device own key (derived with the device id)')
    .option('--counter <n>', 'counter (default: now in ms, strictly increasing)', int('counter'))
    .option('--timestamp <ms>', 'timestamp to send (default: now)', int('timestamp'))
    .option('--pad <bytes>', 'pad the packet to at least this size', int('pad'))
    .option('--timeout <ms>', 'how long to wait for a reply', int('timeout'), 2000)
    .option(
      '--knock <ports>',
      'knock these ports first, left to right, e.g. 30000,30500,31000 (default: the enrolled ones)',
    )
    .addOption(new Option('--knock-proto <proto>', 'knock with').choices(['udp', 'tcp']).default('tcp'))
    .option('--knock-delay <ms>', 'pause after each knock', int('knock delay'), 100)
    .option('--replay <n>', 'send the same packet n more times', int('replay'), 0)
    .option('--flip-bit <n>', 'flip bit n (0 = most significant bit of byte 0) before sending', int('bit'))
    .option('--truncate <bytes>', 'cut the packet to this many bytes before sending', int('truncate'))
    .option('--hex', 'also print the packet sent, in hex');
}

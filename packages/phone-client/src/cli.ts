#!/usr/bin/env node
// sa-phone: the reference phone on the command line. Sends every request kind over UDP or HTTP,
// prints the decrypted reply as JSON; can knock first and garble/replay packets for tests.
import { DEFAULT_SERVER_SECRET } from '@sa/phone-protocol';
import { v1 } from '@sa/proto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { flipBit, truncate } from './garble.js';
import { type KnockProtocol, knock, parseKnockPorts } from './knock.js';
import { PhoneClient, type RequestBody } from './phone-client.js';
import type { TransportKind } from './transports.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

interface CommonOptions {
  host: string;
  port: number;
  transport: TransportKind;
  url?: string;
  device: string;
  key: string;
  keyId: number;
  ownKey?: boolean;
  counter?: number;
  timestamp?: number;
  pad?: number;
  timeout: number;
  knock?: string;
  knockProto: KnockProtocol;
  knockDelay: number;
  replay: number;
  flipBit?: number;
  truncate?: number;
  hex?: boolean;
}

function withCommon(cmd: Command): Command {
  return cmd
    .requiredOption('-d, --device <id>', 'device id', process.env.SA_PHONE_DEVICE)
    .option('-H, --host <host>', 'ingest host', process.env.SA_PHONE_HOST ?? '127.0.0.1')
    .option(
      '-p, --port <port>',
      'ingest port (UDP and HTTP)',
      int('port'),
      Number(process.env.SA_PHONE_PORT ?? 8080),
    )
    .addOption(new Option('-t, --transport <kind>', 'udp or http').choices(['udp', 'http']).default('udp'))
    .option('--url <url>', 'HTTP only: full URL (e.g. https://pbx.example/v1/phone behind a proxy)')
    .option(
      '-k, --key <secret>',
      '16-character key (env SA_PHONE_KEY)',
      process.env.SA_PHONE_KEY ?? DEFAULT_SERVER_SECRET,
    )
    .option('--key-id <id>', 'key id in the envelope', int('key id'), 1)
    .option('--own-key', 'the key is this device own key (derived with the device id)')
    .option('--counter <n>', 'counter (default: now in ms, strictly increasing)', int('counter'))
    .option('--timestamp <ms>', 'timestamp to send (default: now)', int('timestamp'))
    .option('--pad <bytes>', 'pad the packet to at least this size', int('pad'))
    .option('--timeout <ms>', 'how long to wait for a reply', int('timeout'), 2000)
    .option('--knock <ports>', 'knock these ports first, left to right, e.g. 30000,30500,31000')
    .addOption(new Option('--knock-proto <proto>', 'knock with').choices(['udp', 'tcp']).default('tcp'))
    .option('--knock-delay <ms>', 'pause after each knock', int('knock delay'), 100)
    .option('--replay <n>', 'send the same packet n more times', int('replay'), 0)
    .option('--flip-bit <n>', 'flip bit n (0 = most significant bit of byte 0) before sending', int('bit'))
    .option('--truncate <bytes>', 'cut the packet to this many bytes before sending', int('truncate'))
    .option('--hex', 'also print the packet sent, in hex');
}

async function run(options: CommonOptions, body: RequestBody): Promise<void> {
  const client = new PhoneClient(
    { deviceId: options.device, secret: options.key, keyId: options.keyId, ownKey: options.ownKey ?? false },
    {
      host: options.host,
      port: options.port,
      transport: options.transport,
      ...(options.url ? { url: options.url } : {}),
    },
  );
  if (options.knock) {
    await knock({
      host: options.host,
      ports: parseKnockPorts(options.knock),
      protocol: options.knockProto,
      delayMs: options.knockDelay,
    });
  }
  const result = await client.send(body, {
    ...(options.counter !== undefined ? { counter: options.counter } : {}),
    ...(options.timestamp !== undefined ? { timestampMs: options.timestamp } : {}),
    ...(options.pad !== undefined ? { padTo: options.pad } : {}),
    timeoutMs: options.timeout,
    replays: options.replay,
    mutate: (p) => {
      let out = p;
      if (options.flipBit !== undefined) out = flipBit(out, options.flipBit);
      if (options.truncate !== undefined) out = truncate(out, options.truncate);
      return out;
    },
  });
  if (options.hex)
    console.error(`sent ${result.packet.length} bytes: ${Buffer.from(result.packet).toString('hex')}`);
  for (const reply of result.replies) {
    console.log(JSON.stringify(v1.PhoneReply.toObject(reply, { enums: String, longs: Number })));
  }
  if (result.replies.length === 0) {
    console.error(`no reply within ${options.timeout} ms (rejected packets are never answered)`);
    process.exitCode = 2;
  }
}

function parseNetwork(spec: string): { ssid: string; bssid: string; rssiDbm: number } {
  const [ssid, bssid, rssi] = spec.split('/');
  if (!ssid) throw new InvalidArgumentError('network must be SSID[/BSSID[/RSSI]]');
  return { ssid, bssid: (bssid ?? '').toLowerCase(), rssiDbm: Number(rssi ?? 0) };
}

const program = new Command('sa-phone').description('Smart Assistant reference phone (docs/protocol.md)');

withCommon(program.command('ping').description('check the key and the link')).action((o: CommonOptions) =>
  run(o, { ping: {} }),
);

withCommon(program.command('presence').description('report the Wi-Fi seen now'))
  .option('--connected <net>', 'connected network: SSID/BSSID/RSSI', parseNetwork)
  .option(
    '--visible <net>',
    'a visible network: SSID/BSSID/RSSI (repeatable)',
    (v, acc: unknown[]) => [...acc, parseNetwork(v)],
    [],
  )
  .option('--battery <pct>', 'battery percentage', int('battery'))
  .action((o: CommonOptions & { connected?: object; visible: object[]; battery?: number }) =>
    run(o, {
      presence: {
        ...(o.connected ? { connected: o.connected } : {}),
        visible: o.visible,
        ...(o.battery !== undefined ? { batteryPct: o.battery } : {}),
      },
    }),
  );

withCommon(program.command('choose').description('choose (or clear) a scenario explicitly'))
  .option('--scenario <id>', 'scenario id', '')
  .option('--expires <ms>', 'epoch ms when the choice ends (0 = until cleared)', int('expires'), 0)
  .option('--clear', 'clear the explicit choice')
  .action((o: CommonOptions & { scenario: string; expires: number; clear?: boolean }) =>
    run(o, { chooseScenario: { scenarioId: o.scenario, expiresAtMs: o.expires, clear: o.clear ?? false } }),
  );

withCommon(program.command('list').description('list the targets this device may use'))
  .option('--offset <n>', 'first target wanted (pagination)', int('offset'), 0)
  .action((o: CommonOptions & { offset: number }) => run(o, { listTargets: { offset: o.offset } }));

withCommon(program.command('create').description('create a target (if licence and admin allow)'))
  .requiredOption('--name <name>', 'target name')
  .requiredOption('--dial <dial>', 'dial string')
  .action((o: CommonOptions & { name: string; dial: string }) =>
    run(o, { createTarget: { name: o.name, dial: o.dial } }),
  );

program.parseAsync().catch((err: unknown) => {
  console.error(`sa-phone: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

#!/usr/bin/env node
// sa-phone: the reference phone on the command line. Sends every request kind over UDP or HTTP,
// prints the decrypted reply as JSON; can knock first and garble/replay packets for tests.
// `sa-phone enrol` stores the enrolment admin shows as a QR code; later commands use it.
import { v1 } from '@sa/proto';
import { Command, InvalidArgumentError } from 'commander';
import { type CommonOptions, int, withCommon } from './common-options.js';
import { registerEnrolmentCommands } from './enrol-command.js';
import { flipBit, truncate } from './garble.js';
import { registerOwnDataCommands } from './own-data-commands.js';
import type { RequestBody, SendOptions, SendResult } from './phone-client.js';
import { deliver } from './request-sender.js';
import { sendProfile } from './send-profile.js';
import { registerWatchCommand } from './watch-command.js';

async function run(options: CommonOptions, cmd: Command, body: RequestBody): Promise<void> {
  const profile = sendProfile(options, cmd, process.env);
  const delivery = await deliver(profile, body, {
    transport: options.transport,
    knockProto: options.knockProto,
    knockDelay: options.knockDelay,
    send: requestSendOptions(options),
    note: (line) => console.error(line),
    sent: (result) => printResult(result, options),
  });
  if (delivery) return;
  console.error(`no reply within ${options.timeout} ms (rejected packets are never answered)`);
  process.exitCode = 2;
}

/** The test knobs of a request command: fixed counter or time, padding, replays, garbling. */
function requestSendOptions(options: CommonOptions): SendOptions {
  return {
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
  };
}

function printResult(result: SendResult, options: CommonOptions): void {
  if (options.hex)
    console.error(`sent ${result.packet.length} bytes: ${Buffer.from(result.packet).toString('hex')}`);
  for (const reply of result.replies) {
    console.log(JSON.stringify(v1.PhoneReply.toObject(reply, { enums: String, longs: Number })));
  }
}

function parseNetwork(spec: string): { ssid: string; bssid: string; rssiDbm: number } {
  const [ssid, bssid, rssi] = spec.split('/');
  if (!ssid) throw new InvalidArgumentError('network must be SSID[/BSSID[/RSSI]]');
  return { ssid, bssid: (bssid ?? '').toLowerCase(), rssiDbm: Number(rssi ?? 0) };
}

const program = new Command('sa-phone').description('Smart Assistant reference phone (docs/protocol.md)');

registerEnrolmentCommands(program);

withCommon(program.command('ping').description('check the key and the link')).action(
  (o: CommonOptions, c: Command) => run(o, c, { ping: {} }),
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
  .action((o: CommonOptions & { connected?: object; visible: object[]; battery?: number }, c: Command) =>
    run(o, c, {
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
  .action((o: CommonOptions & { scenario: string; expires: number; clear?: boolean }, c: Command) =>
    run(o, c, {
      chooseScenario: { scenarioId: o.scenario, expiresAtMs: o.expires, clear: o.clear ?? false },
    }),
  );

withCommon(program.command('list').description('list the targets this device may use'))
  .option('--offset <n>', 'first target wanted (pagination)', int('offset'), 0)
  .action((o: CommonOptions & { offset: number }, c: Command) =>
    run(o, c, { listTargets: { offset: o.offset } }),
  );

withCommon(program.command('create').description('create a target (if licence and admin allow)'))
  .requiredOption('--name <name>', 'target name')
  .requiredOption('--dial <dial>', 'dial string')
  .action((o: CommonOptions & { name: string; dial: string }, c: Command) =>
    run(o, c, { createTarget: { name: o.name, dial: o.dial } }),
  );

registerOwnDataCommands(program, run);
registerWatchCommand(program);

program.parseAsync().catch((err: unknown) => {
  console.error(`sa-phone: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

// `npm run demo`: the whole system on this machine, watched in plain words. A simulated phone walks
// Office Wi-Fi -> Conference room -> leaves (goes silent); at each step a call arrives and we show
// the decision, its reason and the AMI actions Asterisk would have received.

import { PhoneClient } from '@sa/phone-client';
import { connectNats, createLogger } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import { waitFor } from '@sa/testkit';
import { placeCall } from './call-simulator.js';
import { OFFICE_SCENARIO as O, provisionOfficeScenario, type WifiNetwork } from './office-scenario.js';
import { startStack } from './stack.js';

const PRESENCE_TIMEOUT_S = 4;
const decodeScenarioChanged = (bytes: Uint8Array) =>
  decodeMessage(v1.ScenarioChanged, bytes, 'ScenarioChanged');
const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  say('Smart Assistant demo: user 230 carries one phone; the AMI test server plays Asterisk.');
  say('Starting admin, ami-bridge, router and ingest as separate processes ...');
  const stack = await startStack({ presenceTimeoutS: PRESENCE_TIMEOUT_S });
  let exitCode = 0;
  try {
    await provisionOfficeScenario(stack);
    say(
      `Provisioned through the admin API: phone ${O.deviceId} on extension ${O.extension} (premium licence),`,
    );
    say(
      `  destinations 230-Desk (${O.dial.desk}), SMART-Conference (${O.dial.conference}), 230-Mobile (${O.dial.mobile}),`,
    );
    say(
      '  scenarios: "In a meeting" when on Conference Wi-Fi, "At my desk" on Office Wi-Fi, "Away" otherwise.',
    );

    const names = busNames(stack.prefix);
    const nats = await connectNats(
      process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      'demo',
      createLogger('demo', 'silent'),
    );
    const decisions: ReturnType<typeof decodeScenarioChanged>[] = [];
    const sub = nats.nc.subscribe(names.scenarioChanged(O.extension));
    void (async () => {
      for await (const m of sub) decisions.push(decodeScenarioChanged(m.data));
    })();

    const phone = new PhoneClient(
      { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
      { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
    );
    await waitFor(async () => (await phone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 1, {
      timeoutMs: 15_000,
      what: 'ingest to know the phone',
    });

    const step = async (title: string, act: () => Promise<void>, dial: string) => {
      say();
      say(title);
      const seenActions = stack.ami.received.length;
      const seenDecisions = decisions.length;
      await act();
      await waitFor(() => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`) === dial, {
        timeoutMs: PRESENCE_TIMEOUT_S * 1000 + 15_000,
        intervalMs: 100,
        what: `target ${dial}`,
      });
      await waitFor(() => decisions.slice(seenDecisions).find((d) => d.targetDial === dial), {
        timeoutMs: 5000,
      });
      const d = decisions.slice(seenDecisions).find((x) => x.targetDial === dial)!;
      say(`  decision: scenario "${d.scenarioName}" -> ${d.targetName || d.targetDial} (${d.targetDial})`);
      say(`  because:  ${d.reason}`);
      for (const r of stack.ami.received.slice(seenActions)) {
        const m = r.message;
        if (m.get('Action') === 'DBPut')
          say(`  AMI:      DBPut ${m.get('Family')} ${m.get('Key')} = ${m.get('Val')}`);
      }
      const call = await placeCall(stack.ami, O.extension);
      const to = `${call.redirect.get('Context')},${call.redirect.get('Exten')},${call.redirect.get('Priority')}`;
      say(
        `  a call from 0301234567 arrives -> AMI: Redirect ${call.channel} to ${to} after ${call.waitedMs} ms`,
      );
    };

    const report = (network: WifiNetwork) => async () => {
      // a phone reports on every Wi-Fi change and then periodically; two reports pass the hysteresis
      for (let i = 0; i < 3; i++) {
        await phone.send({ presence: { connected: network, visible: [network] } }, { timeoutMs: 300 });
      }
    };
    await step('1. The phone joins the Office Wi-Fi.', report(O.office), O.dial.desk);
    await step('2. The user walks into the conference room.', report(O.conference), O.dial.conference);
    await step(
      `3. The user leaves the building: the phone goes silent (fallback after ${PRESENCE_TIMEOUT_S} s).`,
      async () => {},
      O.dial.mobile,
    );
    say();
    say('Done: every decision was written to AstDB and every call was redirected to the current target.');
    sub.unsubscribe();
    await nats.close();
  } catch (err) {
    exitCode = 1;
    say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await stack.stop();
  }
  process.exit(exitCode);
}

await main();

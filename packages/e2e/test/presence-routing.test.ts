// The walking skeleton with real rules: a phone packet over UDP goes through ingest, the JetStream
// stream, router (Redis state) and ami-bridge into the AMI test server's AstDB — every hop a real
// process on real NATS, Redis and Postgres. The user walks Office -> Conference -> goes silent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import {
  OFFICE_SCENARIO,
  provisionOfficeScenario,
  type Stack,
  startStack,
  type WifiNetwork,
} from '../src/index.js';

const O = OFFICE_SCENARIO;
const EXT = O.extension;
const PRESENCE_TIMEOUT_S = 3;

let stack: Stack;
let phone: PhoneClient;

/** Reports `network` every 200 ms or so, as a moving phone does, until the AstDB target is `dial`. */
async function walkTo(network: WifiNetwork, dial: string): Promise<void> {
  let answered = 0;
  await waitFor(
    async () => {
      const sent = await phone.send(
        { presence: { connected: network, visible: [network] } },
        { timeoutMs: 300 },
      );
      answered += sent.replies.length;
      return stack.ami.dbGet('SMARTASSISTANT', `${EXT}/target`) === dial;
    },
    { timeoutMs: 15_000, intervalMs: 200, what: `AstDB SMARTASSISTANT/${EXT}/target = ${dial}` },
  );
  assert.ok(answered >= 1, 'ingest answers authenticated presence reports');
}

describe('presence routes calls end to end', () => {
  before(async () => {
    stack = await startStack({ presenceTimeoutS: PRESENCE_TIMEOUT_S });
    await provisionOfficeScenario(stack);
    phone = new PhoneClient(
      { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
      { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
    );
    // the device reaches ingest through admin's outbox -> KV snapshot; wait until ingest knows it
    await waitFor(async () => (await phone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 1, {
      timeoutMs: 15_000,
      what: 'ingest to accept the provisioned device',
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('given the phone joins the Office Wi-Fi, then the AstDB target becomes the desk extension via a real DBPut', async () => {
    await walkTo(O.office, O.dial.desk);
    const put = stack.ami
      .actions('DBPut')
      .find(
        (m) =>
          m.get('Family') === 'SMARTASSISTANT' &&
          m.get('Key') === `${EXT}/target` &&
          m.get('Val') === O.dial.desk,
      );
    assert.ok(put, 'ami-bridge sent DBPut SMARTASSISTANT 230/target 230 over AMI');
    const reply = await phone.send({ ping: {} });
    assert.equal(reply.replies[0]?.tier, 3, 'the reply carries the premium tier from the licence');
  });

  test('given the phone joins the Conference Wi-Fi, then the target becomes the conference room', async () => {
    await walkTo(O.conference, O.dial.conference);
    const ops = stack.services.router.addresses.ops!;
    const why = (await (await fetch(`${ops}/decisions/${EXT}`)).json()) as { current: { reason?: string } };
    assert.match(JSON.stringify(why.current), /Conference/);
  });

  test('given the phone goes silent past the presence timeout, then the default scenario takes over', async () => {
    const silentSince = Date.now();
    await waitFor(() => stack.ami.dbGet('SMARTASSISTANT', `${EXT}/target`) === O.dial.mobile, {
      timeoutMs: PRESENCE_TIMEOUT_S * 1000 + 10_000,
      what: 'fallback to the default target',
    });
    assert.ok(
      Date.now() - silentSince >= PRESENCE_TIMEOUT_S * 1000 - 1000,
      'fallback must not fire before the timeout',
    );
  });
});

// Presence without an app (issue 20): the company's Wi-Fi reports, through RADIUS accounting, which
// access point a phone's MAC is on, and Smart Assistant routes calls by it. Debian's radclient
// plays the access point; everything else is the real stack (admin, ingest, router, ami-bridge and
// the AMI test server's AstDB). One user has an app device and a Wi-Fi device: the fresher wins.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import {
  OFFICE_SCENARIO as O,
  provisionOfficeScenario,
  type Stack,
  startStack,
  type WifiNetwork,
} from '../src/index.js';

const PRESENCE_TIMEOUT_S = 4;
const PHONE_MAC = 'aa:bb:cc:11:22:33';
let stack: Stack;
let secret: string;
let session = 0;

/** Sends one accounting request as the access point `ap` and resolves whether it was answered. */
function account(status: 'Start' | 'Interim-Update' | 'Stop', ap: WifiNetwork): Promise<boolean> {
  const packet = [
    `Acct-Status-Type = ${status}`,
    `Acct-Session-Id = "e2e-${session}"`,
    `Calling-Station-Id = "${PHONE_MAC.toUpperCase().replaceAll(':', '-')}"`,
    `Called-Station-Id = "${ap.bssid.toUpperCase().replaceAll(':', '-')}:${ap.ssid}"`,
    'NAS-IP-Address = 127.0.0.1',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile(
      'radclient',
      ['-x', '-r', '1', '-t', '3', stack.services.ingest.addresses.radius!, 'acct', secret],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve(`${stdout}${stderr}`.includes('Received Accounting-Response'));
      },
    );
    child.stdin!.end(`${packet}\n`);
  });
}

const target = () => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`);

/** Reports the phone's MAC on `ap` (Start, then Interim-Updates) until the user's target is `dial`. */
async function wifiWalkTo(ap: WifiNetwork, dial: string): Promise<void> {
  session++;
  let status: 'Start' | 'Interim-Update' = 'Start';
  await waitFor(
    async () => {
      assert.equal(await account(status, ap), true, 'every accounting request is answered');
      status = 'Interim-Update';
      return target() === dial;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: `AstDB ${O.extension}/target = ${dial} from the Wi-Fi` },
  );
}

describe('presence from RADIUS accounting, end to end', () => {
  before(async () => {
    stack = await startStack({
      presenceTimeoutS: PRESENCE_TIMEOUT_S,
      extraEnv: { ingest: { RADIUS_PORT: '0', RADIUS_HOST: '127.0.0.1' } },
    });
    await provisionOfficeScenario(stack); // user 230; locations list the access points' MACs as BSSIDs
    const ap = await stack.admin.request<{ generatedSecret: string }>('POST', '/accounting-clients', {
      name: 'Office access points',
      network: '127.0.0.1',
    });
    secret = ap.generatedSecret;
    await stack.admin.request('POST', '/devices', {
      deviceId: 'E2EWIFIPHONE0001',
      extension: O.extension,
      keyMode: 'server_key',
      wifiMacs: [PHONE_MAC.toUpperCase().replaceAll(':', '-')],
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test("given the phone's MAC joins the office access point, then the calls go to the desk; Interim-Updates keep them there", async () => {
    await wifiWalkTo(O.office, O.dial.desk);
    for (let i = 0; i < 3; i++) assert.equal(await account('Interim-Update', O.office), true);
    assert.equal(target(), O.dial.desk);
  });

  test("given the same user's app device reporting the conference room later, then the fresher report wins; a later Wi-Fi report wins back", async () => {
    const app = new PhoneClient(
      { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
      { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
    );
    await waitFor(
      async () => {
        await app.send(
          { presence: { connected: O.conference, visible: [O.conference] } },
          { timeoutMs: 300 },
        );
        return target() === O.dial.conference;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the app moves the calls to the conference room' },
    );
    await wifiWalkTo(O.office, O.dial.desk);
  });

  test('given Stop from the access point, then the calls fall back to the default after the presence timeout', async () => {
    assert.equal(await account('Stop', O.office), true, 'Stop is answered');
    const stoppedAt = Date.now();
    await waitFor(() => target() === O.dial.mobile, {
      timeoutMs: (PRESENCE_TIMEOUT_S + 10) * 1000,
      intervalMs: 100,
      what: 'the default target after the timeout',
    });
    const s = (Date.now() - stoppedAt) / 1000;
    assert.ok(s <= PRESENCE_TIMEOUT_S + 5, `default within timeout + 5 s (took ${s.toFixed(1)} s)`);
  });
});

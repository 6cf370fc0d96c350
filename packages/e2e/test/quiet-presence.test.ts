// Change-driven presence through the whole system (real processes, NATS, Redis, AMI test server):
// a phone that keeps reporting the same Wi-Fi costs no bus message once router marked it quiet,
// and nothing is lost around restarts: a move after an ingest restart is routed, and after a router
// restart an unchanged phone keeps its user in place past the timeout, while a phone that falls
// silent still sends its user to the default within the timeout (+ 2 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import {
  ingestReportCounts,
  OFFICE_SCENARIO as O,
  officePhone,
  provisionOfficeScenario,
  reportUntil,
  type Stack,
  startStack,
  type WifiNetwork,
} from '../src/index.js';

const TIMEOUT_S = 6;
let stack: Stack;
let phone: PhoneClient;

const target = () => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`);

/** ingest's counts of presence reports published and answered without a bus message. */
const ingestCounts = () => ingestReportCounts(stack.services.ingest.addresses.ops!);
const unchangedReports = async () => (await ingestCounts()).unchanged;
const publishedReports = async () => (await ingestCounts()).published;

const report = (net: WifiNetwork) =>
  phone.send({ presence: { connected: net, visible: [net] } }, { timeoutMs: 1000 });

/** Reports the office until the desk is in AstDB and router marked the phone quiet there. */
async function settleAtOffice(): Promise<void> {
  await reportUntil(phone, O.office, () => target() === O.dial.desk, 'the desk in AstDB');
  await waitFor(
    async () => {
      const before = await unchangedReports();
      return (await report(O.office)).replies.length === 1 && (await unchangedReports()) > before;
    },
    { timeoutMs: 10_000, intervalMs: 200, what: 'an unchanged report at the office' },
  );
}

before(async () => {
  stack = await startStack({ presenceTimeoutS: TIMEOUT_S });
  await provisionOfficeScenario(stack);
  phone = officePhone(stack);
});
after(async () => {
  await stack?.stop();
});

describe('change-driven presence end to end', () => {
  test('given the phone settled at the office, when it keeps reporting the same Wi-Fi, then those reports are answered without a bus message', async () => {
    await settleAtOffice();
    const [unchanged, published] = [await unchangedReports(), await publishedReports()];
    for (let i = 0; i < 5; i++) assert.equal((await report(O.office)).replies[0]?.status, 1, 'answered OK');
    assert.equal(await unchangedReports(), unchanged + 5);
    assert.equal(await publishedReports(), published, 'no report went to the bus');
    // the console's last seen still follows the phone (ingest's DevicesSeen, about once a second)
    const sentAt = Date.now();
    await report(O.office);
    await waitFor(
      async () => {
        const d = await stack.admin.request<{ lastSeenAt: string | null; presence: string }>(
          'GET',
          `/devices/${O.deviceId}`,
        );
        return d.presence === 'online' && Date.parse(d.lastSeenAt ?? '') >= sentAt - 50;
      },
      { timeoutMs: 5000, intervalMs: 200, what: "the console's last seen of an unchanged report" },
    );
  });

  test('given ingest restarts, when the phone keeps reporting and then moves, then the move is routed', async () => {
    const restarted = await stack.restart('ingest');
    // a new process on a new port: the phone is pointed at it (its counters are time-based)
    const udp = restarted.addresses.udp!;
    phone = new PhoneClient(
      { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
      {
        host: udp.slice(0, udp.lastIndexOf(':')),
        port: Number(udp.slice(udp.lastIndexOf(':') + 1)),
        transport: 'http',
      },
    );
    await waitFor(async () => (await report(O.office)).replies.length === 1, {
      timeoutMs: 15_000,
      intervalMs: 300,
      what: 'ingest back',
    });
    assert.equal(target(), O.dial.desk);
    await reportUntil(phone, O.conference, () => target() === O.dial.conference, 'the room after the move');
  });

  test('given router restarts, when the phone keeps reporting unchanged past the timeout, then the user stays; when it falls silent, the default comes within the timeout + 2 s', async () => {
    await waitFor(
      async () => (await report(O.conference)).replies.length === 1 && (await unchangedReports()) > 0,
      {
        timeoutMs: 10_000,
        intervalMs: 200,
        what: 'quiet at the room',
      },
    );
    await stack.restart('router');
    const mobileWrites = () =>
      stack.ami.actions('DBPut').filter((m) => m.get('Val') === O.dial.mobile).length;
    const before = mobileWrites();
    const until = Date.now() + 2 * TIMEOUT_S * 1000;
    while (Date.now() < until) {
      await report(O.conference);
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(mobileWrites(), before, 'never sent to the default while the phone reported');
    assert.equal(target(), O.dial.conference);
    const silentFrom = Date.now();
    await waitFor(() => target() === O.dial.mobile, {
      timeoutMs: (TIMEOUT_S + 10) * 1000,
      intervalMs: 100,
      what: 'the default after the timeout',
    });
    const s = (Date.now() - silentFrom) / 1000;
    assert.ok(
      s >= TIMEOUT_S - 1.1 && s <= TIMEOUT_S + 2,
      `the default came ${s.toFixed(1)} s after the last report`,
    );
  });

  test('given router is stalled, when the phone moves and keeps reporting the new place, then that costs one bus message, not one per report, and the move is routed once router runs again', async () => {
    await settleAtOffice();
    const router = stack.services.router.child;
    router.kill('SIGSTOP'); // fallen behind: applies and acknowledges nothing
    try {
      const [unchanged, published] = [await unchangedReports(), await publishedReports()];
      for (let i = 0; i < 5; i++) {
        assert.equal((await report(O.conference)).replies[0]?.status, 1, 'answered OK');
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.equal(await publishedReports(), published + 1, 'only the move went to the bus');
      assert.equal(await unchangedReports(), unchanged + 4, 'the same place again: liveness only');
    } finally {
      router.kill('SIGCONT');
    }
    await reportUntil(phone, O.conference, () => target() === O.dial.conference, 'the room after the move');
  });
});

// Issue 14, no lock-out by counter, through the real processes: a forged packet with counter
// 2^53 - 1 is refused and the phone keeps working; a counter the bound lets through (a phone clock
// set 100 s fast) locks the clock-counting phone out until the administrator resets the device's
// replay state through the admin API, which asks the real ingest over NATS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import { OFFICE_SCENARIO as O, provisionOfficeScenario, type Stack, startStack } from '../src/index.js';

let stack: Stack;

const phone = () =>
  new PhoneClient(
    { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
    { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
  );
const answered = async (counter?: number) =>
  (await phone().send({ ping: {} }, { timeoutMs: 500, ...(counter ? { counter } : {}) })).replies.length ===
  1;

describe('no lock-out by counter', () => {
  before(async () => {
    stack = await startStack();
    await provisionOfficeScenario(stack);
    await waitFor(() => answered(), { timeoutMs: 15_000, what: 'the phone answered' });
  });
  after(async () => {
    await stack?.stop();
  });

  test('given a forged packet with counter 2^53 - 1 for the phone, when sent, then it is refused and the phone keeps working', async () => {
    assert.equal(await answered(Number.MAX_SAFE_INTEGER), false);
    assert.equal(await answered(), true);
  });

  test('given a counter 100 s ahead accepted for the phone, when the administrator resets its replay state, then the phone is answered again and the reset is audited', async () => {
    const ahead = Date.now() + 100_000;
    assert.equal(await answered(ahead), true, 'within the bound: accepted');
    assert.equal(await answered(), false, 'the clock-counting phone is now below the window');
    const reset = await stack.admin.request<{ hadState: boolean; highestCounter: number }>(
      'POST',
      `/devices/${O.deviceId}/reset-replay`,
    );
    assert.deepEqual(reset, { deviceId: O.deviceId, hadState: true, highestCounter: ahead });
    assert.equal(await answered(), true, 'answered again right after the reset');
    const audit = await stack.admin.request<{ items: Array<{ action: string; entityId: string }> }>(
      'GET',
      '/audit?entity=device&limit=20',
    );
    assert.ok(audit.items.some((a) => a.action === 'reset_replay' && a.entityId === O.deviceId));
  });
});

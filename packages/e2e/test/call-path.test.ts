// Calls through the whole system: the AMI test server announces a call the way our dialplan does;
// ami-bridge asks router, then redirects the channel within the dialplan's wait budget. Also the
// outage paths: Asterisk restarting (targets re-pushed) and router down (AstDB fallback stays current).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import {
  OFFICE_SCENARIO as O,
  placeCall,
  provisionOfficeScenario,
  type Stack,
  startStack,
} from '../src/index.js';

const CALL_WAIT_MS = 2000; // deploy/asterisk/extensions_smartassistant.conf waits this long
let stack: Stack;
let phone: PhoneClient;

describe('call path', () => {
  before(async () => {
    stack = await startStack({
      extraEnv: { 'ami-bridge': { CALL_WAIT_MS: String(CALL_WAIT_MS), AMI_RECONNECT_MAX_MS: '500' } },
    });
    await provisionOfficeScenario(stack);
    phone = new PhoneClient(
      { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
      { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'http' },
    );
    await waitFor(
      async () => {
        await phone.send({ presence: { connected: O.office, visible: [O.office] } }, { timeoutMs: 300 });
        return stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`) === O.dial.desk;
      },
      { timeoutMs: 20_000, intervalMs: 300, what: 'the office target in AstDB' },
    );
  });
  after(async () => {
    await stack?.stop();
  });

  test('given a call announced by the dialplan, then ami-bridge redirects it to the current target within the wait budget', async () => {
    const call = await placeCall(stack.ami, O.extension, undefined, CALL_WAIT_MS);
    assert.equal(call.redirect.get('Exten'), O.dial.desk);
    assert.equal(call.redirect.get('Context'), 'smartassistant-dial');
    assert.ok(call.waitedMs < CALL_WAIT_MS, `redirect took ${call.waitedMs} ms`);
    const ops = stack.services.router.addresses.ops!;
    const why = (await (await fetch(`${ops}/decisions/${O.extension}`)).json()) as {
      calls: Array<{ reason?: string }>;
    };
    assert.ok(
      why.calls.some((c) => /Office/.test(c.reason ?? '')),
      'router recorded why the call went to the desk',
    );
  });

  test('given Asterisk restarts and loses the connection, then the bridge reconnects and router re-pushes the target', async () => {
    const before = stack.ami.actions('DBPut').length;
    stack.ami.db.clear(); // a worst case: the AstDB lost our key while we were disconnected
    await stack.ami.restart(200);
    await waitFor(() => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`) === O.dial.desk, {
      timeoutMs: 15_000,
      what: 'the target re-pushed after the reconnect',
    });
    assert.ok(stack.ami.actions('DBPut').length > before, 'a new DBPut was sent after the reconnect');
    assert.ok(
      stack.services['ami-bridge'].logs.some((l) => /reconnect|connected/i.test(String(l.msg))),
      'ami-bridge logged the connection transition',
    );
  });

  test('given router is stopped, then no redirect comes and the AstDB fallback key still holds the current target', async () => {
    await stack.services.router.stop('SIGTERM');
    try {
      await assert.rejects(placeCall(stack.ami, O.extension, undefined, CALL_WAIT_MS), /timed out|action/i);
      assert.equal(stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`), O.dial.desk);
    } finally {
      await stack.restart('router');
    }
    const call = await placeCall(stack.ami, O.extension, undefined, CALL_WAIT_MS);
    assert.equal(call.redirect.get('Exten'), O.dial.desk, 'calls are redirected again once router is back');
  });
});

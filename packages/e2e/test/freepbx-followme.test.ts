// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// The original manual's set-up, end to end: FreePBX 17 and Issabel 2.x Follow Me (ringall, a list
// with a number that does not exist, no answer -> Custom Destination smartassistant,${FMGRP},1) in
// front of our real dialplan file, modelled by the AMI test server's PBX models
// (packages/testkit/src/pbx), with the whole system behind it as real processes: the phone reports
// over ingest, router decides, ami-bridge redirects the call waiting in our context.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PhoneClient } from '@sa/phone-client';
import { repoRoot } from '@sa/testkit';
import { FreePbxModel, MANUAL_FOLLOW_ME, type PbxFamily } from '@sa/testkit/pbx';
import {
  OFFICE_SCENARIO as O,
  officePhone,
  provisionOfficeScenario,
  reportUntil,
  type Stack,
  startStack,
  type WifiNetwork,
} from '../src/index.js';

const OUR_DIALPLAN = readFileSync(join(repoRoot, 'deploy/asterisk/extensions_smartassistant.conf'), 'utf8');
const SECOND_MS = 100; // one dialplan second lasts 100 ms here
const UNKNOWN_WIFI: WifiNetwork = { ssid: 'Cafe', bssid: 'aa:bb:cc:00:99:99', rssiDbm: -60 };
const ROOM = 'PJSIP/room801';
const MOBILE = 'PSTN/0170123456';

let stack: Stack;
let phone: PhoneClient;

function moveTo(net: WifiNetwork, dial: string): Promise<void> {
  return reportUntil(
    phone,
    net,
    () => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`) === dial,
    `target ${dial} in AstDB`,
  );
}

function redirects(): string[] {
  return stack.ami.actions('Redirect').map((m) => `${m.get('Context')},${m.get('Exten')}`);
}

before(async () => {
  stack = await startStack({ extraEnv: { 'ami-bridge': { CALL_WAIT_MS: '2000' } } });
  await provisionOfficeScenario(stack);
  phone = officePhone(stack);
  await moveTo(O.office, O.dial.desk);
});
after(async () => {
  await stack?.stop();
});

for (const family of ['freepbx17', 'issabel2'] as const) {
  describe(`the manual's Follow-Me set-up on the ${family} model`, () => {
    let pbx: FreePbxModel;
    const build = (customDestination = 'smartassistant,${FMGRP},1', f: PbxFamily = family) => {
      pbx = new FreePbxModel(stack.ami, {
        family: f,
        users: [{ extension: O.extension, voicemail: true, phone: 'never' }],
        ourDialplan: OUR_DIALPLAN,
        customDestination,
        numbers: {
          [O.dial.conference]: { endpoint: ROOM, behaviour: { answerAfterS: 1 } },
          [O.dial.mobile]: { endpoint: MOBILE, behaviour: { answerAfterS: 1 } },
        },
        secondMs: SECOND_MS,
        // 2 s, as ami-bridge's CALL_WAIT_MS: the dialplan's wait is real time here too
        globals: { SA_CALL_WAIT: String(2000 / SECOND_MS) },
      });
      pbx.saveFollowMePage(O.extension, MANUAL_FOLLOW_ME);
      pbx.reload();
    };
    before(() => build());

    test('given the phone on the Office Wi-Fi, when 230 is called, then ami-bridge routes it to the desk, which rings steadily with no loop', async () => {
      await moveTo(O.office, O.dial.desk);
      pbx.pbx.endpoint(`PJSIP/${O.extension}`, { answerAfterS: 3 });
      const before = redirects().length;
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, `PJSIP/${O.extension}`, out.trace.join('\n'));
      assert.deepEqual(redirects().slice(before), [`smartassistant-dial,${O.dial.desk}`]);
      assert.equal(out.maxForwardsExceeded, false);
      assert.ok(out.maxDepth <= 2, `the desk was reached ${out.maxDepth} channels deep`);
      assert.equal(out.rang.length, 1, 'the desk rang once, continuously');
      pbx.pbx.endpoint(`PJSIP/${O.extension}`, 'never');
    });

    test('given the phone in the conference room, when 230 is called, then the room phone answers', async () => {
      await moveTo(O.conference, O.dial.conference);
      const before = redirects().length;
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
      assert.deepEqual(redirects().slice(before), [`smartassistant-dial,${O.dial.conference}`]);
    });

    test('given the phone on an unknown Wi-Fi, when 230 is called, then the Away target (mobile) answers', async () => {
      await moveTo(UNKNOWN_WIFI, O.dial.mobile);
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, MOBILE, out.trace.join('\n'));
    });

    test('given a reload in the middle of a call and a page save before the next, when 230 is called, then both are routed', async () => {
      await moveTo(O.conference, O.dial.conference);
      const during = pbx.call(O.extension);
      await new Promise((r) => setTimeout(r, SECOND_MS)); // Follow Me is ringing its list
      pbx.reload();
      const first = await during;
      assert.equal(first.answeredBy, ROOM, first.trace.join('\n'));
      pbx.openFollowMePage(O.extension);
      pbx.saveFollowMePage(O.extension, { ...MANUAL_FOLLOW_ME, prering: 1 });
      pbx.reload();
      const second = await pbx.call(O.extension);
      assert.equal(second.answeredBy, ROOM, second.trace.join('\n'));
      assert.equal(second.rang[0]?.endpoint, `PJSIP/${O.extension}`, 'the saved prering rang the desk first');
    });

    test('given ami-bridge is down, when 230 is called, then the AstDB fallback routes it after the wait', async () => {
      await moveTo(O.conference, O.dial.conference);
      await stack.services['ami-bridge'].stop('SIGTERM');
      try {
        const before = redirects().length;
        const out = await pbx.call(O.extension);
        assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
        assert.equal(redirects().length, before, 'nobody redirected: the dialplan fell back by itself');
      } finally {
        await stack.restart('ami-bridge');
      }
    });

    test('given the Custom Destination written with ${EXTTOCALL} (the old docs), when 230 is called, then 230 is still routed', async () => {
      build('smartassistant,${EXTTOCALL},1');
      try {
        await moveTo(O.conference, O.dial.conference);
        const out = await pbx.call(O.extension);
        assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
      } finally {
        build();
      }
    });
  });
}

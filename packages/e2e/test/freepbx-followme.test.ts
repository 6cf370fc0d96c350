// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// The original manual's set-up, end to end: FreePBX 17 and Issabel 2.x Follow Me (ringall, a list
// with a number that does not exist, no answer -> Custom Destination smartassistant,${FMGRP},1) in
// front of our real dialplan file, modelled by the AMI test server's PBX models
// (packages/testkit/src/pbx), with the whole system behind it as real processes: the phone reports
// over ingest, router decides and keeps AstDB current, our AstDB-first dialplan dials that target at
// once (services up or down), and ami-bridge has router record each call. The waiting dialplan of
// earlier releases (a test fixture) is still routed by ami-bridge's Redirect, for installs that have
// not migrated yet.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PhoneClient } from '@sa/phone-client';
import { repoRoot, waitFor } from '@sa/testkit';
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
const WAITING_DIALPLAN = readFileSync(
  join(repoRoot, 'packages/e2e/test/fixtures/extensions_smartassistant.waiting.conf'),
  'utf8',
);
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

/** Our dialplan (`ours`) behind the manual's Follow-Me set-up on a FreePBX 17 or Issabel 2.x model. */
function followMePbx(family: PbxFamily, ours: string, customDestination = 'smartassistant,${FMGRP},1') {
  const pbx = new FreePbxModel(stack.ami, {
    family,
    users: [{ extension: O.extension, voicemail: true, phone: 'never' }],
    ourDialplan: ours,
    customDestination,
    numbers: {
      [O.dial.conference]: { endpoint: ROOM, behaviour: { answerAfterS: 1 } },
      [O.dial.mobile]: { endpoint: MOBILE, behaviour: { answerAfterS: 1 } },
    },
    secondMs: SECOND_MS,
    // the waiting dialplan: 2 s, as ami-bridge's CALL_WAIT_MS (the dialplan's wait is real time here too)
    globals: { SA_CALL_WAIT: String(2000 / SECOND_MS) },
  });
  pbx.saveFollowMePage(O.extension, MANUAL_FOLLOW_ME);
  pbx.reload();
  return pbx;
}

async function recordedCalls(): Promise<Array<{ targetDial?: string; reason?: string }>> {
  const ops = stack.services.router.addresses.ops!;
  const why = (await (await fetch(`${ops}/decisions/${O.extension}`)).json()) as {
    calls: Array<{ targetDial?: string; reason?: string }>;
  };
  return why.calls;
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
    const build = (customDestination = 'smartassistant,${FMGRP},1') => {
      pbx = followMePbx(family, OUR_DIALPLAN, customDestination);
    };
    before(() => build());

    test('given the phone on the Office Wi-Fi, when 230 is called, then the dialplan dials the desk from AstDB, which rings steadily with no loop, and router records why', async () => {
      await moveTo(O.office, O.dial.desk);
      pbx.pbx.endpoint(`PJSIP/${O.extension}`, { answerAfterS: 3 });
      const before = redirects().length;
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, `PJSIP/${O.extension}`, out.trace.join('\n'));
      assert.deepEqual(redirects().slice(before), [], 'AstDB was current: nothing to redirect');
      assert.equal(out.maxForwardsExceeded, false);
      assert.ok(out.maxDepth <= 2, `the desk was reached ${out.maxDepth} channels deep`);
      assert.equal(out.rang.length, 1, 'the desk rang once, continuously');
      pbx.pbx.endpoint(`PJSIP/${O.extension}`, 'never');
      const calls = await waitFor(
        async () => {
          const c = (await recordedCalls()).filter((r) => r.targetDial === O.dial.desk);
          return c.length > 0 && c;
        },
        { timeoutMs: 5000, what: "the call in router's call log" },
      );
      assert.match(calls[0]?.reason ?? '', /Office/, 'why the call went to the desk');
    });

    test('given the phone in the conference room, when 230 is called, then the room phone answers', async () => {
      await moveTo(O.conference, O.dial.conference);
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
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

    for (const down of [['router'], ['ami-bridge'], ['router', 'ami-bridge']] as const) {
      test(`given ${down.join(' and ')} stopped, when 230 is called, then the room rings as soon as Follow Me gives up, with no added wait`, async () => {
        await moveTo(O.conference, O.dial.conference);
        for (const s of down) await stack.services[s].stop('SIGTERM');
        try {
          const out = await pbx.call(O.extension);
          assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
          const room = out.rang.find((r) => r.endpoint === ROOM);
          const waited = (room?.atS ?? Number.NaN) - (out.entered.smartassistant ?? Number.NaN);
          assert.ok(waited <= 0.2, `the room rang ${waited} dialplan s after the call entered our context`);
        } finally {
          for (const s of down) await stack.restart(s);
        }
      });
    }

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

describe('the waiting dialplan of earlier releases, not migrated yet (FreePBX 17 model)', () => {
  let pbx: FreePbxModel;
  before(() => {
    pbx = followMePbx('freepbx17', WAITING_DIALPLAN);
  });

  test('given the phone in the conference room, when 230 is called, then ami-bridge redirects the waiting call there', async () => {
    await moveTo(O.conference, O.dial.conference);
    const before = redirects().length;
    const out = await pbx.call(O.extension);
    assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
    assert.deepEqual(redirects().slice(before), [`smartassistant-dial,${O.dial.conference}`]);
  });

  test('given ami-bridge is down, when 230 is called, then its AstDB fallback routes it, only after the wait', async () => {
    await moveTo(O.conference, O.dial.conference);
    await stack.services['ami-bridge'].stop('SIGTERM');
    try {
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
      const room = out.rang.find((r) => r.endpoint === ROOM);
      const waited = (room?.atS ?? Number.NaN) - (out.entered.smartassistant ?? Number.NaN);
      assert.ok(
        waited >= 2000 / SECOND_MS - 0.5,
        `the room rang ${waited} dialplan s after the call entered`,
      );
    } finally {
      await stack.restart('ami-bridge');
    }
  });
});

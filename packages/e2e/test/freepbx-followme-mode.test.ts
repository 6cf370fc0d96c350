// Router's Follow-Me mode (ASTERISK_TARGET_MODE=followme) end to end: router keeps FreePBX's own
// Follow-Me keys pointed at the user's target, and the stock Follow-Me dialplan (the AMI test
// server's FreePBX 17 / Issabel 2.x models, packages/testkit/src/pbx) rings it with no custom
// context. The phone reports over ingest; calls are placed into the model.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import { FreePbxModel, type PbxFamily } from '@sa/testkit/pbx';
import {
  OFFICE_SCENARIO as O,
  officePhone,
  provisionOfficeScenario,
  reportUntil,
  type Stack,
  startStack,
  type WifiNetwork,
} from '../src/index.js';

const SECOND_MS = 100;
const VERIFY_S = 1; // FOLLOWME_VERIFY_S: how often router checks FreePBX's keys
const UNKNOWN_WIFI: WifiNetwork = { ssid: 'Cafe', bssid: 'aa:bb:cc:00:99:98', rssiDbm: -60 };
const ROOM = 'PJSIP/room801';
const MOBILE = 'PSTN/0170123456';
/** What an admin saves once per user for this mode: ringall, any list, no answer -> voicemail. */
const PAGE = {
  grplist: O.extension,
  grptime: 20,
  prering: 0,
  strategy: 'ringall',
  postdest: 'ext-local,vmu230,1',
};

let stack: Stack;
let phone: PhoneClient;

const fm = (key: string) => stack.ami.dbGet('AMPUSER', `${O.extension}/followme/${key}`);

const report = (net: WifiNetwork, until: () => boolean, what: string) => reportUntil(phone, net, until, what);

before(async () => {
  stack = await startStack({
    extraEnv: {
      router: {
        ASTERISK_TARGET_MODE: 'followme',
        FOLLOWME_VERIFY_S: String(VERIFY_S),
        FOLLOWME_GRPTIME: '30',
      },
    },
  });
  await provisionOfficeScenario(stack);
  phone = officePhone(stack);
});
after(async () => {
  await stack?.stop();
});

for (const family of ['freepbx17', 'issabel2'] as PbxFamily[]) {
  describe(`router's Follow-Me mode on the ${family} model`, () => {
    let pbx: FreePbxModel;
    before(() => {
      pbx = new FreePbxModel(stack.ami, {
        family,
        users: [{ extension: O.extension, voicemail: true, phone: 'never' }],
        // our context is not used in this mode; the file is loaded as on a real site
        ourDialplan: '',
        customDestination: 'ext-local,230,1',
        numbers: {
          [O.dial.conference]: { endpoint: ROOM, behaviour: { answerAfterS: 1 } },
          [O.dial.mobile]: { endpoint: MOBILE, behaviour: { answerAfterS: 1 } },
        },
        secondMs: SECOND_MS,
      });
      pbx.saveFollowMePage(O.extension, PAGE);
      pbx.reload();
    });

    test('given the phone in the conference room, when 230 is called, then Follow Me rings the room (written as 801#, not an extension)', async () => {
      await report(
        O.conference,
        () => fm('grplist') === `${O.dial.conference}#` && fm('ddial') === 'DIRECT',
        'room list',
      );
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
      assert.ok(!out.rang.some((r) => r.endpoint === `PJSIP/${O.extension}`), 'the desk did not ring');
    });

    test('given the phone on an unknown Wi-Fi, when 230 is called, then Follow Me rings the mobile (with #)', async () => {
      await report(UNKNOWN_WIFI, () => fm('grplist') === `${O.dial.mobile}#`, 'mobile list');
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, MOBILE, out.trace.join('\n'));
    });

    test('given the phone at the desk, when 230 is called, then Follow Me is off and the extension rings directly', async () => {
      await report(O.office, () => fm('ddial') === 'EXTENSION', 'Follow Me off');
      pbx.pbx.endpoint(`PJSIP/${O.extension}`, { answerAfterS: 1 });
      try {
        const out = await pbx.call(O.extension);
        assert.equal(out.answeredBy, `PJSIP/${O.extension}`, out.trace.join('\n'));
      } finally {
        pbx.pbx.endpoint(`PJSIP/${O.extension}`, 'never');
      }
    });

    test('given a page save that rewrites the whole Follow-Me tree, when router next checks, then its keys are back and the room rings', async () => {
      await report(
        O.conference,
        () => fm('grplist') === `${O.dial.conference}#` && fm('ddial') === 'DIRECT',
        'room list',
      );
      pbx.openFollowMePage(O.extension);
      pbx.saveFollowMePage(O.extension, { ...PAGE, strategy: 'ringallv2-prim' });
      assert.equal(fm('grplist'), O.extension, 'the page save put its own list back');
      const saved = Date.now();
      await waitFor(() => fm('grplist') === `${O.dial.conference}#`, {
        timeoutMs: (VERIFY_S + 4) * 1000,
        what: 'router restoring its list',
      });
      const tookMs = Date.now() - saved;
      assert.ok(tookMs < (VERIFY_S + 2) * 1000, `restored in ${tookMs} ms`);
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
    });

    test('given a reload that puts the GUI strategy back, when router next checks, then ringall is back and the desk does not ring with the list', async () => {
      await report(O.conference, () => fm('grplist') === `${O.dial.conference}#`, 'room list');
      pbx.saveFollowMePage(O.extension, { ...PAGE, strategy: 'ringallv2-prim' });
      pbx.reload();
      await waitFor(
        () =>
          fm('grplist') === `${O.dial.conference}#` &&
          (family !== 'freepbx17' || fm('strategy') === 'ringall'),
        {
          timeoutMs: (VERIFY_S + 4) * 1000,
          what: 'router restoring its keys after the reload',
        },
      );
      const out = await pbx.call(O.extension);
      assert.equal(out.answeredBy, ROOM, out.trace.join('\n'));
      if (family === 'freepbx17')
        assert.ok(!out.rang.some((r) => r.endpoint === `PJSIP/${O.extension}`), 'the desk did not ring');
      // 2.x bakes the page's strategy into its dialplan: router's key cannot change it (docs/asterisk.md)
      else
        assert.ok(
          out.rang.some((r) => r.endpoint === `PJSIP/${O.extension}`),
          '2.x rings the desk with -prim',
        );
    });
  });
}

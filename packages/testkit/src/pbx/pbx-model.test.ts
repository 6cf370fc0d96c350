// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// The dialplan model itself, and deploy/asterisk/extensions_smartassistant.conf run through it with
// no services (the AstDB fallback path: ami-bridge never redirects).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AmiTestServer } from '../ami/ami-test-server.js';
import { parseDialplan } from './dialplan.js';
import { evaluate, substitute } from './expression.js';
import { FreePbxModel, MANUAL_FOLLOW_ME, type PbxFamily } from './freepbx-model.js';
import { PbxModel } from './pbx-model.js';

const OUR_DIALPLAN = readFileSync(
  new URL('../../../../deploy/asterisk/extensions_smartassistant.conf', import.meta.url),
  'utf8',
);
const ROOM = { endpoint: 'PJSIP/room100', behaviour: { answerAfterS: 1 } } as const;
const MOBILE = { endpoint: 'PSTN/0171600', behaviour: { answerAfterS: 1 } } as const;

describe('dialplan expressions', () => {
  const vars: Record<string, string> = { SA_USER: '230', SA_SEEN_230: '1', EMPTY: '' };
  const scope = {
    variable: (n: string) => vars[n] ?? '',
    call: (fn: string, a: string) => `${fn}<${a}>`,
  };
  for (const [text, want] of [
    ['${SA_SEEN_${SA_USER}}', '1'],
    ['${DB(SMARTASSISTANT/${SA_USER}/target)}', 'DB<SMARTASSISTANT/230/target>'],
    ['$["${EMPTY}" = ""]', '1'],
    ['$["${SA_USER}" != "230" | 0]', '0'],
    ['$[!1 & 1]', '0'],
    ['$[ 3 > 20 ]', '0'],
    ['${SA_USER:1}', '30'],
  ] as const) {
    test(`given ${text}, when substituted, then it reads "${want}"`, () => {
      assert.equal(substitute(text, scope), want);
    });
  }
  test('given a comparison of numbers, when evaluated, then it is numeric', () => {
    assert.equal(evaluate('10 > 9'), '1');
    assert.equal(evaluate('"b" > "a"'), '1');
  });
});

describe('our dialplan on the FreePBX 17 and Issabel 2.x models, AstDB first with no service running', () => {
  let ami: AmiTestServer;
  before(async () => {
    ami = await AmiTestServer.start();
  });
  after(() => ami.stop());

  function model(family: PbxFamily, customDestination = 'smartassistant,${FMGRP},1') {
    ami.db.clear();
    const m = new FreePbxModel(ami, {
      family,
      users: [
        { extension: '230', voicemail: true },
        { extension: '231', voicemail: false, phone: 'never' },
      ],
      ourDialplan: OUR_DIALPLAN,
      customDestination,
      numbers: { '100': ROOM, '600': MOBILE },
      secondMs: 5,
    });
    m.saveFollowMePage('230', MANUAL_FOLLOW_ME);
    m.saveFollowMePage('231', MANUAL_FOLLOW_ME);
    m.reload();
    return m;
  }

  for (const family of ['freepbx17', 'issabel2'] as const) {
    for (const [target, phone] of [
      ['230', 'PJSIP/230'],
      ['100', 'PJSIP/room100'],
      ['600', 'PSTN/0171600'],
    ] as const) {
      test(`given ${family} and the stored target ${target}, when 230 is called, then ${phone} answers with no loop`, async () => {
        const m = model(family);
        ami.dbPut('SMARTASSISTANT', '230/target', target);
        const out = await m.call('230');
        assert.equal(out.answeredBy, phone, out.trace.join('\n'));
        assert.equal(out.maxForwardsExceeded, false);
        assert.ok(out.maxDepth <= 3, `depth ${out.maxDepth}`);
        assert.equal(out.rang.filter((r) => r.endpoint === 'PJSIP/230').length, target === '230' ? 1 : 0);
      });
    }
  }

  for (const wrong of ['smartassistant,${EXTTOCALL},1', 'smartassistant,99999,1', 'smartassistant,,1']) {
    test(`given the Custom Destination ${wrong} on FreePBX 17, when 230 is called, then 230 is still routed`, async () => {
      const m = model('freepbx17', wrong);
      ami.dbPut('SMARTASSISTANT', '230/target', '100');
      const out = await m.call('230');
      assert.equal(out.answeredBy, 'PJSIP/room100', out.trace.join('\n'));
    });
  }

  test('given a routed target that does not answer and no mailbox, when 231 is called, then the desk rings, never answered-then-dropped', async () => {
    const m = model('freepbx17');
    m.pbx.endpoint('PJSIP/room100', 'never');
    ami.dbPut('SMARTASSISTANT', '231/target', '100');
    const out = await m.call('231');
    assert.notEqual(out.ended, 'answered-then-dropped', out.trace.join('\n'));
    assert.deepEqual(
      out.rang.map((r) => r.endpoint),
      ['PJSIP/room100', 'PJSIP/231'],
    );
  });

  test('given a routed target that does not answer and a mailbox, when 230 is called, then voicemail takes it', async () => {
    const m = model('issabel2');
    m.pbx.endpoint('PJSIP/room100', 'never');
    ami.dbPut('SMARTASSISTANT', '230/target', '100');
    const out = await m.call('230');
    assert.equal(out.answeredBy, 'voicemail:230@default', out.trace.join('\n'));
  });

  test("given a caller name with a comma, when our UserEvent is sent, then its caller headers are Asterisk's own, whole", async () => {
    const m = model('freepbx17');
    const events: [string, string][][] = [];
    const emit = ami.emitEvent.bind(ami);
    ami.emitEvent = (h) => {
      if (Array.isArray(h)) events.push([...h] as [string, string][]);
      emit(h);
    };
    try {
      await m.call('230', { num: '0301234567', name: 'Doe, John' });
    } finally {
      ami.emitEvent = emit;
    }
    const ue = events.find((h) => h.some(([k, v]) => k === 'UserEvent' && v === 'SmartAssistantCall'));
    assert.ok(ue, 'our UserEvent was sent');
    assert.deepEqual(
      ue.filter(([k]) => k === 'CallerIDName').map(([, v]) => v),
      ['Doe, John'],
    );
    assert.equal(ue.find(([k]) => k === 'Extension')?.[1], '230');
    assert.equal(ue.find(([k]) => k === 'Target')?.[1], '', 'no stored target: the event says so');
    assert.ok(!ue.some(([k]) => k === 'John'), 'no fragment of the name became a header');
  });

  test('given no stored target, when 230 is called, then the extension is handled normally (desk)', async () => {
    const m = model('freepbx17');
    const out = await m.call('230');
    assert.equal(out.answeredBy, 'PJSIP/230', out.trace.join('\n'));
  });

  test('given the old [smartassistant-dial] (Local/<ext>@from-internal), when the user is at the desk, then the model shows the Follow-Me loop', async () => {
    // what the previous dialplan did: the desk dialled back into from-internal -> Follow Me again
    const old = OUR_DIALPLAN.replace(
      /Set\(SA_VIA=.*\n/,
      'Set(SA_VIA=${SA_DIAL_CONTEXT})\n same => n,Set(SA_EXTEN=)\n',
    ).replace(/ same => n,GotoIf\(\$\["\$\{SA_SEEN_\$\{SA_USER\}\}" != ""\]\?again\)\n/, '');
    ami.db.clear();
    const m = new FreePbxModel(ami, {
      family: 'freepbx17',
      users: [{ extension: '230', voicemail: true, phone: 'never' }],
      ourDialplan: old,
      customDestination: 'smartassistant,${FMGRP},1',
      secondMs: 2,
    });
    m.saveFollowMePage('230', MANUAL_FOLLOW_ME);
    m.reload();
    ami.dbPut('SMARTASSISTANT', '230/target', '230');
    const out = await m.call('230');
    assert.equal(out.maxForwardsExceeded, true, `depth ${out.maxDepth}`);
  });
});

describe('our dialplan on plain Asterisk with the re-entry trap', () => {
  test('given Goto(smartassistant,...) in the dial context and no local context entry, when called, then the second pass goes to voicemail, no loop', async () => {
    await using ami = await AmiTestServer.start();
    const site = [
      '[from-internal]',
      'exten => 230,1,Goto(smartassistant,230,1)', // the trap: routes every call for 230 to us
      '[phones]',
      'exten => 999,1,Dial(PJSIP/999)',
    ].join('\n');
    const pbx = new PbxModel(ami, {
      dialplan: parseDialplan([
        { name: 'ours', text: OUR_DIALPLAN },
        { name: 'site', text: site },
      ]),
      secondMs: 2,
      mailboxes: ['230@default'],
      globals: { SA_LOCAL_CONTEXT: 'phones' },
    });
    pbx.endpoint('PJSIP/230', 'never');
    ami.dbPut('SMARTASSISTANT', '230/target', '230');
    const out = await pbx.call('from-internal', '230');
    assert.equal(out.maxForwardsExceeded, false, out.trace.join('\n'));
    assert.ok(out.maxDepth <= 2, `depth ${out.maxDepth}`);
    assert.equal(out.answeredBy, 'voicemail:230@default', out.trace.join('\n'));
  });
});

describe('our dialplan on plain Asterisk, AstDB first', () => {
  test('given a stored target, when a call enters [smartassistant], then the target rings in the same dialplan second and the UserEvent names it', async () => {
    await using ami = await AmiTestServer.start();
    const site = [
      '[phones]',
      'exten => 230,1,Dial(PJSIP/230)',
      '[from-internal]',
      'exten => 299,1,Dial(PJSIP/room299)',
    ];
    const pbx = new PbxModel(ami, {
      dialplan: parseDialplan([
        { name: 'ours', text: OUR_DIALPLAN },
        { name: 'site', text: site.join('\n') },
      ]),
      secondMs: 200,
      globals: { SA_LOCAL_CONTEXT: 'phones' },
    });
    pbx.endpoint('PJSIP/room299', { answerAfterS: 1 });
    ami.dbPut('SMARTASSISTANT', '230/target', '299');
    const targets: string[] = [];
    const emit = ami.emitEvent.bind(ami);
    ami.emitEvent = (h) => {
      if (Array.isArray(h) && h.some(([k, v]) => k === 'UserEvent' && v === 'SmartAssistantCall'))
        targets.push(h.find(([k]) => k === 'Target')?.[1] ?? '(none)');
      emit(h);
    };
    const out = await pbx.call('smartassistant', '230');
    assert.equal(out.answeredBy, 'PJSIP/room299', out.trace.join('\n'));
    assert.deepEqual(out.rang, [{ endpoint: 'PJSIP/room299', atS: 0 }], 'no wait before the Dial');
    assert.deepEqual(targets, ['299']);
    assert.ok(!out.trace.some((t) => /Wait\(/.test(t)), out.trace.join('\n'));
  });
});

describe('real time in the outcome', () => {
  test('given a call that waits 2 dialplan seconds before the Dial, when it rings, then wallMs has the real time of each context entered and each ring', async () => {
    await using ami = await AmiTestServer.start();
    const site = [
      '[in]',
      'exten => 230,1,Goto(slow,230,1)',
      '[slow]',
      'exten => 230,1,Wait(2)',
      ' same => n,Dial(PJSIP/230&PJSIP/231)',
    ];
    const pbx = new PbxModel(ami, {
      dialplan: parseDialplan([{ name: 'site', text: site.join('\n') }]),
      secondMs: 20,
    });
    pbx.endpoint('PJSIP/230', { answerAfterS: 1 });
    pbx.endpoint('PJSIP/231', 'never');
    const before = performance.now();
    const out = await pbx.call('in', '230');
    assert.deepEqual(Object.keys(out.wallMs.entered), Object.keys(out.entered));
    const inAt = out.wallMs.entered.in ?? Number.NaN;
    const slowAt = out.wallMs.entered.slow ?? Number.NaN;
    assert.ok(before <= inAt && inAt <= slowAt, `${before} <= ${inAt} <= ${slowAt}`);
    assert.equal(out.wallMs.rang.length, out.rang.length);
    const [first, second] = out.wallMs.rang as [number, number];
    assert.ok(first - slowAt >= 2 * 20 - 2, `the Dial came ${first - slowAt} ms after [slow] was entered`);
    assert.ok(second >= first && second - first < 20, 'both legs rang together');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  extensionTest,
  followMeDrift,
  followMeWanted,
  followMeWrites,
  grplistOf,
  patternMatcher,
  targetWritePlan,
} from './followme.js';

const settings = { grptime: 20, prering: 0, fallbackIsExtension: patternMatcher('^[0-9]{2,6}$') };
/** AMPUSER extensions of the recorded FreePBX/Issabel set-ups: desk 230 and 231; 100 and 600 are not */
const known = new Set(['230', '231']);
const values = (stages: { key: string; value: string | null }[][]) =>
  stages.map((s) => s.map((w) => `${w.key}=${w.value}`));

test('issue 21: given the extensions AstDB lists, when the Follow-Me list is built, then only real extensions are plain and everything else gets #', () => {
  const cases: [string, string | null][] = [
    ['230', '230'], // the user's own extension (inside a list)
    ['231', '231'], // a real FreePBX extension (call-b10: rings plain)
    ['100', '100#'], // room 100, a Misc Destination (call-b1: plain never rang; call-b3: 100# rang)
    ['600', '600#'], // away 600, no extension (call-b4)
    ['01715551234', '01715551234#'], // external
    ['+4930123456', '+4930123456#'],
    ['100#', '100#'], // already marked: # not doubled
    ['231#', '231#'], // an explicit # is kept even for an extension
    ['231-100-01715551234', '231-100#-01715551234#'],
    ['230&600', '230-600#'],
    ['', null],
    ['PJSIP/231', null],
  ];
  for (const [dial, want] of cases)
    assert.equal(grplistOf(dial, extensionTest('230', known, settings.fallbackIsExtension)), want, dial);
});

test('given AstDB could not be read, when the Follow-Me list is built, then FOLLOWME_INTERNAL_PATTERN decides and the own extension stays plain', () => {
  const byPattern = extensionTest('230', null, patternMatcher('^2[0-9]{2}$'));
  assert.equal(grplistOf('230-231-100-600-0171', byPattern), '230-231-100#-600#-0171#');
  const emptyAstDb = extensionTest('230', new Set(), patternMatcher('^[0-9]+$'));
  assert.equal(grplistOf('230-231', emptyAstDb), '230-231#', 'a read AstDB wins over the pattern');
});

test('given targets of every kind and no AstDB list, when the Follow-Me list is built with the default pattern, then pattern matches are plain and other numbers end with #', () => {
  const cases: [string, string | null][] = [
    ['231', '231'],
    ['01715551234', '01715551234#'],
    ['+4930123456', '+4930123456#'],
    ['0049301234#', '0049301234#'], // already marked external: # not doubled
    ['299#', '299#'], // an explicit # wins over the internal pattern
    ['231-01715551234', '231-01715551234#'],
    ['231&232', '231-232'],
    ['', null],
    ['PJSIP/231', null],
    ['1;Dial()', null],
  ];
  for (const [dial, want] of cases) assert.equal(grplistOf(dial, settings.fallbackIsExtension), want, dial);
});

test('given a target other than the own extension, when Follow-Me keys are built, then the list, times and ringall come first and ddial=DIRECT last', () => {
  const r = followMeWrites('230', '01715551234', { ...settings, grptime: 25, prering: 3 }, known);
  assert.deepEqual(values(r.stages), [
    [
      '230/followme/grplist=01715551234#',
      '230/followme/grptime=25',
      '230/followme/prering=3',
      '230/followme/strategy=ringall',
    ],
    ['230/followme/ddial=DIRECT'],
  ]);
  assert.ok(r.stages.flat().every((w) => w.family === 'AMPUSER'));
});

test('given the own extension, no target or an unringable target, when built, then only ddial=EXTENSION (Follow-Me off) is written', () => {
  for (const dial of ['230', '', 'SIP/x']) {
    const r = followMeWrites('230', dial, settings, known);
    assert.deepEqual(values(r.stages), [['230/followme/ddial=EXTENSION']], dial);
  }
});

test('given each mode, when the write plan is built, then astdb writes our keys, followme the FreePBX keys, both writes both with ddial last', () => {
  const input = { extension: '230', targetDial: '299', scenarioName: 'Conference' };
  assert.deepEqual(values(targetWritePlan(input, 'astdb', settings, null)), [
    ['230/target=299', '230/scenario=Conference'],
  ]);
  assert.deepEqual(values(targetWritePlan(input, 'followme', settings, null)), [
    [
      '230/followme/grplist=299',
      '230/followme/grptime=20',
      '230/followme/prering=0',
      '230/followme/strategy=ringall',
    ],
    ['230/followme/ddial=DIRECT'],
  ]);
  const both = targetWritePlan(input, 'both', settings, null);
  assert.equal(both.length, 2);
  assert.deepEqual(
    both[0]?.map((w) => w.family),
    ['SMARTASSISTANT', 'SMARTASSISTANT', 'AMPUSER', 'AMPUSER', 'AMPUSER', 'AMPUSER'],
  );
  assert.deepEqual(values([both[1] ?? []]), [['230/followme/ddial=DIRECT']]);
});

test('given no decision, when planned in both mode, then our keys are deleted and Follow-Me is off', () => {
  const plan = targetWritePlan(
    { extension: '230', targetDial: '', scenarioName: '' },
    'both',
    settings,
    known,
  );
  assert.deepEqual(values(plan), [['230/target=null', '230/scenario=null', '230/followme/ddial=EXTENSION']]);
});

test('given what router wants and what FreePBX left after a reload or a page save, when compared, then exactly the changed or missing keys are drift', () => {
  const wanted = followMeWanted('230', '100', settings, known);
  assert.deepEqual(Object.fromEntries(wanted), {
    grplist: '100#',
    grptime: '20',
    prering: '0',
    strategy: 'ringall',
    ddial: 'DIRECT',
  });
  const afterReload = new Map([
    ...wanted,
    ['strategy', 'ringallv2-prim'],
    ['postdest', 'ext-local,230,dest'],
  ]);
  assert.deepEqual(followMeDrift(wanted, afterReload), ['strategy']);
  const issabelSave = new Map([
    ['changecid', 'default'],
    ['ddial', 'DIRECT'],
    ['grplist', '100'],
    ['grptime', '20'],
    ['prering', '7'],
  ]);
  assert.deepEqual(followMeDrift(wanted, issabelSave), ['grplist', 'prering', 'strategy']);
  assert.deepEqual(followMeDrift(wanted, undefined), ['grplist', 'grptime', 'prering', 'strategy', 'ddial']);
  assert.deepEqual(followMeDrift(wanted, new Map(wanted)), []);
  const off = followMeWanted('230', '230', settings, known);
  assert.deepEqual(Object.fromEntries(off), { ddial: 'EXTENSION' });
  assert.deepEqual(followMeDrift(off, issabelSave), ['ddial']);
});

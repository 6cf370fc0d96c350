import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followMeWrites, grplistOf, internalMatcher, targetWritePlan } from './followme.js';

const settings = { grptime: 20, prering: 0, isInternal: internalMatcher('^[0-9]{2,6}$') };
const values = (stages: { key: string; value: string | null }[][]) =>
  stages.map((s) => s.map((w) => `${w.key}=${w.value}`));

test('given targets of every kind, when the Follow-Me list is built, then internal extensions are plain and external numbers end with #', () => {
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
  for (const [dial, want] of cases) assert.equal(grplistOf(dial, settings.isInternal), want, dial);
});

test('given a target other than the own extension, when Follow-Me keys are built, then the list, times and ringall come first and ddial=DIRECT last', () => {
  const r = followMeWrites('230', '01715551234', { ...settings, grptime: 25, prering: 3 });
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
    const r = followMeWrites('230', dial, settings);
    assert.deepEqual(values(r.stages), [['230/followme/ddial=EXTENSION']], dial);
  }
});

test('given each mode, when the write plan is built, then astdb writes our keys, followme the FreePBX keys, both writes both with ddial last', () => {
  const input = { extension: '230', targetDial: '299', scenarioName: 'Conference' };
  assert.deepEqual(values(targetWritePlan(input, 'astdb', settings)), [
    ['230/target=299', '230/scenario=Conference'],
  ]);
  assert.deepEqual(values(targetWritePlan(input, 'followme', settings)), [
    [
      '230/followme/grplist=299',
      '230/followme/grptime=20',
      '230/followme/prering=0',
      '230/followme/strategy=ringall',
    ],
    ['230/followme/ddial=DIRECT'],
  ]);
  const both = targetWritePlan(input, 'both', settings);
  assert.equal(both.length, 2);
  assert.deepEqual(
    both[0]?.map((w) => w.family),
    ['SMARTASSISTANT', 'SMARTASSISTANT', 'AMPUSER', 'AMPUSER', 'AMPUSER', 'AMPUSER'],
  );
  assert.deepEqual(values([both[1] ?? []]), [['230/followme/ddial=DIRECT']]);
});

test('given no decision, when planned in both mode, then our keys are deleted and Follow-Me is off', () => {
  const plan = targetWritePlan({ extension: '230', targetDial: '', scenarioName: '' }, 'both', settings);
  assert.deepEqual(values(plan), [['230/target=null', '230/scenario=null', '230/followme/ddial=EXTENSION']]);
});

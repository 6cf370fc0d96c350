import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followMeKeys, followMeOff } from './followme.js';

const internal = (n: string) => n.length <= 4;

test('given a mobile number and an extension, when follow-me keys are built, then externals get # and ddial=DIRECT comes last', () => {
  const keys = followMeKeys({
    extension: '230',
    numbers: ['231', '0171555123'],
    isInternal: internal,
    prering: 5,
  });
  assert.deepEqual(keys, [
    { family: 'AMPUSER', key: '230/followme/grplist', value: '231-0171555123#' },
    { family: 'AMPUSER', key: '230/followme/grptime', value: '20' },
    { family: 'AMPUSER', key: '230/followme/prering', value: '5' },
    { family: 'AMPUSER', key: '230/followme/strategy', value: 'ringallv2' },
    { family: 'AMPUSER', key: '230/followme/ddial', value: 'DIRECT' },
  ]);
});

test('given a number already ending in # or containing junk, when built, then # is not doubled and junk is dropped', () => {
  const [grplist] = followMeKeys({
    extension: '230',
    numbers: ['01715551#', 'x;Dial()'],
    isInternal: internal,
  });
  assert.equal(grplist?.value, '01715551#');
  assert.throws(() => followMeKeys({ extension: '230', numbers: ['bad'], isInternal: internal }));
});

test('given follow-me off, when built, then ddial is EXT', () => {
  assert.deepEqual(followMeOff('230'), [{ family: 'AMPUSER', key: '230/followme/ddial', value: 'EXT' }]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmpuserSnapshot, followMeFix } from './ampuser-snapshot.js';

const entry = (key: string, value: string) => ({ key, value });

// shaped like /work/shared/reference/issabel-followme/b5-astdb-after-reload.txt, plus a user 231
// that router wrote keys for without a saved Follow Me, and a router-only tree for room 100
const snapshot = AmpuserSnapshot.parse([
  entry('/AMPUSER/230/cidname', 'Issabel Holdout User'),
  entry('/AMPUSER/230/device', '230'),
  entry('/AMPUSER/230/followme/changecid', 'default'),
  entry('/AMPUSER/230/followme/ddial', 'EXTENSION'),
  entry('/AMPUSER/230/followme/grpconf', 'DISABLED'),
  entry('/AMPUSER/230/followme/grplist', '100'),
  entry('/AMPUSER/230/recording/in/external', 'dontcare'),
  entry('/AMPUSER/231/cidname', 'User 231'),
  entry('/AMPUSER/231/followme/ddial', 'DIRECT'),
  entry('/AMPUSER/231/followme/grplist', '600#'),
  entry('/AMPUSER/231/followme/strategy', 'ringall'),
  entry('/AMPUSER/232/device', ''),
  entry('/AMPUSER/100/followme/ddial', 'DIRECT'),
  entry('/CALLTRACE/600', '0301234567'),
]);

test('given an AMPUSER read, when parsed, then extensions are the numbers with cidname or device, not those with only Follow-Me keys', () => {
  assert.deepEqual([...snapshot.extensions].sort(), ['230', '231', '232']);
  assert.deepEqual(Object.fromEntries(snapshot.followMe('230') ?? []), {
    changecid: 'default',
    ddial: 'EXTENSION',
    grpconf: 'DISABLED',
    grplist: '100',
  });
  assert.equal(snapshot.followMe('232'), undefined);
});

test('issue 21: given users with and without a saved Follow Me, when classified, then only keys FreePBX writes (never router) count as saved', () => {
  assert.equal(snapshot.status('230'), 'ok');
  assert.equal(snapshot.status('231'), 'no-followme', "router's own keys are not a saved Follow Me");
  assert.equal(snapshot.status('232'), 'no-followme');
  assert.equal(snapshot.status('100'), 'not-an-extension');
  assert.equal(snapshot.status('600'), 'not-an-extension');
  assert.match(
    String(followMeFix('231', 'no-followme')),
    /^Applications > Follow Me for 231: save once with/,
  );
  assert.equal(followMeFix('230', 'ok'), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmpuserSnapshot, FOLLOWME_CHECK_KEYS, followMeFix } from './ampuser-snapshot.js';

const entry = (key: string, value: string) => ({ key, value });

// what one check's `database showkey` reads return (FOLLOWME_CHECK_KEYS, keys as Asterisk prints
// them), shaped like /work/shared/reference/issabel-followme/b5-astdb-after-reload.txt: 230 with a
// saved Follow Me, 231 with only router's keys, 232 an extension without any, a router-only tree for
// room 100, and what showkey also matches: other families, deeper keys, other case.
const snapshot = AmpuserSnapshot.parse([
  // database showkey followme/grplist
  entry('/AMPUSER/100/followme/grplist', '230'),
  entry('/AMPUSER/230/followme/grplist', '100'),
  entry('/AMPUSER/231/followme/grplist', '600#'),
  // database showkey followme/strategy
  entry('/AMPUSER/231/followme/strategy', 'ringall'),
  // database showkey followme/ddial
  entry('/AMPUSER/100/followme/ddial', 'DIRECT'),
  entry('/AMPUSER/230/followme/ddial', 'EXTENSION'),
  entry('/AMPUSER/231/followme/ddial', 'DIRECT'),
  entry('/AMPUSER/231/old/followme/ddial', 'EXTENSION'),
  // database showkey followme/changecid
  entry('/AMPUSER/230/followme/changecid', 'default'),
  entry('/AMPUSER/231/FOLLOWME/CHANGECID', 'default'),
  entry('/RINGGROUP/231/followme/changecid', 'default'),
  // database showkey cidname
  entry('/AMPUSER/230/cidname', 'Issabel Holdout User'),
  entry('/AMPUSER/231/cidname', 'User 231'),
  entry('/AMPUSER/232/cidname', ''),
  entry('/AMPUSER/600/device/cidname', 'not an extension'),
  entry('/DEVICE/600/cidname', 'not an extension'),
  entry('/AMPUSER//cidname', 'no extension'),
]);

test('given the check reads, when parsed, then extensions are the numbers with AMPUSER/<n>/cidname and only /AMPUSER/<ext>/<check key> entries count', () => {
  assert.deepEqual([...snapshot.extensions].sort(), ['230', '231', '232']);
  assert.deepEqual(Object.fromEntries(snapshot.followMe('230') ?? []), {
    changecid: 'default',
    ddial: 'EXTENSION',
    grplist: '100',
  });
  assert.deepEqual(Object.fromEntries(snapshot.followMe('231') ?? []), {
    ddial: 'DIRECT',
    grplist: '600#',
    strategy: 'ringall',
  });
  assert.equal(snapshot.followMe('232'), undefined);
});

test('given a full `database show AMPUSER` listing, when parsed, then keys the check does not read are ignored', () => {
  const full = AmpuserSnapshot.parse([
    entry('/AMPUSER/230/cidname', 'Desk'),
    entry('/AMPUSER/230/device', '230'),
    entry('/AMPUSER/230/followme/grpconf', 'DISABLED'),
    entry('/AMPUSER/230/recording/in/external', 'dontcare'),
    entry('/AMPUSER/233/device', '233'),
  ]);
  assert.deepEqual([...full.extensions], ['230']);
  assert.equal(full.followMe('230'), undefined);
  assert.equal(full.status('230'), 'no-followme');
  assert.deepEqual(FOLLOWME_CHECK_KEYS, [
    'followme/grplist',
    'followme/grptime',
    'followme/prering',
    'followme/strategy',
    'followme/ddial',
    'followme/changecid',
    'cidname',
  ]);
});

test('issue 21: given users with and without a saved Follow Me, when classified, then only the changecid a saved page writes (never router) counts as saved', () => {
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

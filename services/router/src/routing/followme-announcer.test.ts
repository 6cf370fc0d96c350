import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FollowMeUserStatus } from '../domain/ampuser-snapshot.js';
import { FollowMeAnnouncer } from './followme-announcer.js';
import type { FollowMeAnnouncement } from './ports.js';

function rig(republishMs = 60_000) {
  const sent: string[] = [];
  const last: FollowMeAnnouncement[] = [];
  const announcer = new FollowMeAnnouncer(
    {
      followMeStatusChanged: (ext, a) => {
        sent.push(`${ext}:${a.status}@${a.checkedAtMs}`);
        last.push(a);
      },
    },
    republishMs,
  );
  const check = (ext: string, status: FollowMeUserStatus, at: number, previous: FollowMeUserStatus | null) =>
    announcer.checked(ext, { status, fix: status === 'ok' ? null : `fix ${ext}`, checkedAtMs: at }, previous);
  return { sent, last, check };
}

test('given a user without a saved Follow Me, when first checked, then it is announced with its fix and the republish period', () => {
  const r = rig(60_000);
  r.check('233', 'no-followme', 1000, null);
  assert.deepEqual(r.sent, ['233:no-followme@1000']);
  assert.deepEqual(r.last[0], {
    status: 'no-followme',
    fix: 'fix 233',
    checkedAtMs: 1000,
    republishMs: 60_000,
  });
});

test('given users with a saved Follow Me, when checked at start and after, then nothing is announced', () => {
  const r = rig();
  r.check('230', 'ok', 1000, null);
  r.check('230', 'ok', 6000, 'ok');
  r.check('230', 'ok', 600_000, 'ok');
  assert.deepEqual(r.sent, []);
});

test('given an open problem, when checked every 5 s, then it is announced again once per republish period only', () => {
  const r = rig(60_000);
  for (let at = 0; at <= 125_000; at += 5000)
    r.check('233', 'no-followme', at, at === 0 ? null : 'no-followme');
  assert.deepEqual(r.sent, ['233:no-followme@0', '233:no-followme@60000', '233:no-followme@120000']);
});

test('given an open problem, when the page is saved, then ok is announced once; a new problem is announced at once', () => {
  const r = rig(60_000);
  r.check('233', 'no-followme', 0, null);
  r.check('233', 'ok', 5000, 'no-followme');
  r.check('233', 'ok', 10_000, 'ok');
  r.check('233', 'not-an-extension', 15_000, 'ok');
  r.check('233', 'no-followme', 20_000, 'not-an-extension');
  assert.deepEqual(r.sent, [
    '233:no-followme@0',
    '233:ok@5000',
    '233:not-an-extension@15000',
    '233:no-followme@20000',
  ]);
  assert.equal(r.last[1]?.fix, null);
});

test('given a user taken over from another router instance, when first checked here, then its problem is announced at once', () => {
  const r = rig(60_000);
  r.check('233', 'no-followme', 0, null);
  r.check('233', 'no-followme', 10_000, null);
  assert.equal(r.sent.length, 2);
});

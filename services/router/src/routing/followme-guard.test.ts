import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import type { AstDbEntry } from '../domain/ampuser-snapshot.js';
import { followMeWanted, patternMatcher } from '../domain/followme.js';
import type { Decision } from '../domain/types.js';
import { decision } from '../test-support/engine-fixtures.js';
import { FollowMeAnnouncer } from './followme-announcer.js';
import { FollowMeGuard, type FollowMeGuardDeps } from './followme-guard.js';
import type { StoredUser } from './ports.js';

const settings = { grptime: 20, prering: 0, fallbackIsExtension: patternMatcher('^[0-9]{3}$') };
const e = (key: string, value: string): AstDbEntry => ({ key: `/AMPUSER/${key}`, value });
const routerKeys = (ext: string, grplist: string, strategy = 'ringall') => [
  e(`${ext}/followme/ddial`, 'DIRECT'),
  e(`${ext}/followme/grplist`, grplist),
  e(`${ext}/followme/grptime`, '20'),
  e(`${ext}/followme/prering`, '0'),
  e(`${ext}/followme/strategy`, strategy),
];

function rig(decisions: Record<string, Decision>, extra: Partial<FollowMeGuardDeps> = {}) {
  let astdb: AstDbEntry[] | Error = [];
  /** the read (by key) that fails, if any */
  let failing: { key: string; err: Error } | null = null;
  /** router confirms a write of this user while the check reads */
  let writeDuringRead: string | null = null;
  const repaired: string[] = [];
  const lines: string[] = [];
  const reads: string[] = [];
  /** router's own confirmed writes (AstDbSync.writeCount) and the users written meanwhile */
  let writes = 0;
  const writtenAfter = new Set<string>();
  const guard = new FollowMeGuard({
    reader: {
      // `database showkey <key>`: every entry ending in /<key>, any family (ASCII case ignored)
      showKey: async (key) => {
        reads.push(key);
        if (writeDuringRead) {
          writes++;
          writtenAfter.add(writeDuringRead);
          writeDuringRead = null;
        }
        if (failing?.key === key) throw failing.err;
        if (astdb instanceof Error) throw astdb;
        return astdb.filter((x) => x.key.toLowerCase().endsWith(`/${key.toLowerCase()}`));
      },
    },
    store: {
      load: async (exts) =>
        new Map(
          exts.flatMap((x) => {
            const d = decisions[x];
            return d ? [[x, { state: { decision: d } } as unknown as StoredUser]] : [];
          }),
        ),
    },
    owned: () => Object.keys(decisions).map((extension) => ({ extension, partition: 0 })),
    wanted: (ext, d, known) => followMeWanted(ext, d.targetDial, settings, known),
    repair: (ext, _p, d, readAt) => {
      if (writtenAfter.has(ext) && readAt < writes) return false;
      repaired.push(`${ext}@${d.version}`);
      return true;
    },
    writeMark: () => writes,
    periodMs: 60_000,
    clock: () => 1000,
    logger: createLogger('router-test', 'info', { write: (l: string) => void lines.push(l) }),
    ...extra,
  });
  const set = (v: AstDbEntry[] | Error): void => {
    astdb = v;
  };
  const failRead = (key: string, err: Error): void => {
    failing = { key, err };
  };
  const writeWhileReading = (ext: string): void => {
    writeDuringRead = ext;
  };
  return { guard, repaired, lines, reads, set, failRead, writeWhileReading };
}

test('given keys as router wants them, when checked, then nothing is repaired; given strategy rewritten by a reload, then the user is repaired', async () => {
  const r = rig({ '230': decision(4, '100') });
  const saved = [e('230/cidname', 'Desk'), e('230/followme/changecid', 'default')];
  r.set([...saved, ...routerKeys('230', '100#')]);
  assert.deepEqual(await r.guard.check(), {
    ok: true,
    checked: 1,
    repaired: 0,
    missing: { 'no-followme': 0, 'not-an-extension': 0 },
  });
  r.set([...saved, ...routerKeys('230', '100#', 'ringallv2-prim')]);
  assert.equal((await r.guard.check()).repaired, 1);
  assert.deepEqual(r.repaired, ['230@4']);
  assert.ok(r.lines.some((l) => l.includes('strategy=ringallv2-prim')));
});

test('given the AMPUSER read fails, when checked, then the last extension list stays and it warns once, not per check', async () => {
  const r = rig({ '230': decision(1, '230') });
  assert.equal(r.guard.known(), null);
  r.set([e('230/cidname', 'Desk'), e('230/followme/ddial', 'EXTENSION'), e('231/cidname', 'Colleague')]);
  await r.guard.check();
  assert.deepEqual([...(r.guard.known() ?? [])].sort(), ['230', '231']);
  r.set(new Error('ami-bridge refused: AMI_ACTION_FAILED Permission denied'));
  for (let i = 0; i < 3; i++) assert.equal((await r.guard.check()).ok, false);
  assert.deepEqual([...(r.guard.known() ?? [])].sort(), ['230', '231']);
  assert.equal(r.lines.filter((l) => l.includes('ROUTER_FOLLOWME_READ_FAILED')).length, 1);
  assert.deepEqual(r.repaired, []);
});

test('given AstDB without any AMPUSER extension (no FreePBX), when checked, then the pattern keeps deciding', async () => {
  const r = rig({ '230': decision(1, '230') });
  r.set([e('230/followme/ddial', 'EXTENSION')]);
  await r.guard.check();
  assert.equal(r.guard.known(), null);
  assert.equal(r.guard.report('230')?.status, 'not-an-extension');
});

test('given AstDB with other families and deeper keys, when checked, then one showkey read per check key is sent and only /AMPUSER/<ext>/<key> counts', async () => {
  const r = rig({ '230': decision(2, '100'), '231': decision(1, '100') });
  r.set([
    e('230/cidname', 'Desk'),
    e('230/followme/changecid', 'default'),
    ...routerKeys('230', '100#'),
    e('231/cidname', 'Colleague'),
    ...routerKeys('231', '100#'),
    // what `showkey followme/changecid` / `cidname` also return: not 231's saved page, not an extension 600
    { key: '/RINGGROUP/231/followme/changecid', value: 'default' },
    { key: '/AMPUSER/231/x/followme/changecid', value: 'default' },
    { key: '/DEVICE/600/cidname', value: 'x' },
  ]);
  const result = await r.guard.check();
  assert.deepEqual(r.reads, [
    'followme/grplist',
    'followme/grptime',
    'followme/prering',
    'followme/strategy',
    'followme/ddial',
    'followme/changecid',
    'cidname',
  ]);
  assert.deepEqual([result.ok, result.repaired], [true, 0]);
  assert.deepEqual([...(r.guard.known() ?? [])].sort(), ['230', '231']);
  assert.equal(r.guard.report('230')?.status, 'ok');
  assert.equal(r.guard.report('231')?.status, 'no-followme');
});

test('given router wrote a user while the check read AstDB (start-up), when its keys differ, then that check leaves the user to the next one and logs no repair', async () => {
  const r = rig({ '230': decision(1, '100') });
  r.set([e('230/cidname', 'Desk'), e('230/followme/changecid', 'default')]);
  r.writeWhileReading('230');
  assert.equal((await r.guard.check()).repaired, 0);
  assert.ok(!r.lines.some((l) => l.includes('followme_repair')));
  assert.equal((await r.guard.check()).repaired, 1, 'the next check repairs what is still missing');
  assert.deepEqual(r.repaired, ['230@1']);
});

test('given one of the reads fails, when checked, then the whole check fails like a failed read: warned once, last list kept, nothing repaired', async () => {
  const r = rig({ '230': decision(3, '100') });
  const saved = [e('230/cidname', 'Desk'), e('230/followme/changecid', 'default')];
  r.set([...saved, ...routerKeys('230', '100#')]);
  await r.guard.check();
  r.set([...saved, ...routerKeys('230', '600#')]);
  r.failRead('followme/changecid', new Error('ami-bridge did not answer in 3000 ms'));
  for (let i = 0; i < 2; i++) assert.equal((await r.guard.check()).ok, false);
  assert.deepEqual(r.repaired, []);
  assert.deepEqual([...(r.guard.known() ?? [])], ['230']);
  assert.equal(r.lines.filter((l) => l.includes('ROUTER_FOLLOWME_READ_FAILED')).length, 1);
  assert.equal(r.guard.report('230')?.status, 'ok');
});

test('given a user without a saved Follow Me, when checked, saved, then checked again, then the console publisher hears the problem with its fix, then ok (issue 21)', async () => {
  const published: string[] = [];
  const announcer = new FollowMeAnnouncer(
    { followMeStatusChanged: (ext, a) => void published.push(`${ext} ${a.status} ${a.fix ?? '-'}`) },
    60_000,
  );
  const r = rig(
    { '233': decision(1, '100'), '230': decision(1, '100') },
    { onReport: (ext, report, previous) => announcer.checked(ext, report, previous) },
  );
  const saved = [
    e('230/cidname', 'Desk'),
    e('230/followme/changecid', 'default'),
    ...routerKeys('230', '100#'),
  ];
  r.set([...saved, e('233/cidname', 'Bob'), ...routerKeys('233', '100#')]);
  await r.guard.check();
  await r.guard.check();
  r.set([
    ...saved,
    e('233/cidname', 'Bob'),
    e('233/followme/changecid', 'default'),
    ...routerKeys('233', '100#'),
  ]);
  await r.guard.check();
  assert.deepEqual(published, [
    '233 no-followme Applications > Follow Me for 233: save once with ring strategy ringall and ' +
      '"Destination if no answer" set (any list: router replaces it), then Apply Config',
    '233 ok -',
  ]);
});

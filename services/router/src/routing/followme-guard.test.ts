import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import type { AstDbEntry } from '../domain/ampuser-snapshot.js';
import { followMeWanted, patternMatcher } from '../domain/followme.js';
import type { Decision } from '../domain/types.js';
import { FollowMeAnnouncer } from './followme-announcer.js';
import { FollowMeGuard, type FollowMeGuardDeps } from './followme-guard.js';
import type { StoredUser } from './ports.js';

const decision = (version: number, targetDial: string): Decision => ({
  scenarioId: 's',
  scenarioName: 'S',
  targetDial,
  targetName: 'T',
  reason: 'test',
  decidedAtMs: 0,
  version,
});
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
  const repaired: string[] = [];
  const lines: string[] = [];
  const guard = new FollowMeGuard({
    reader: {
      show: async () => {
        if (astdb instanceof Error) throw astdb;
        return astdb;
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
    repair: (ext, _p, d) => void repaired.push(`${ext}@${d.version}`),
    periodMs: 60_000,
    clock: () => 1000,
    logger: createLogger('router-test', 'info', { write: (l: string) => void lines.push(l) }),
    ...extra,
  });
  const set = (v: AstDbEntry[] | Error): void => {
    astdb = v;
  };
  return { guard, repaired, lines, set };
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
  r.set([e('230/cidname', 'Desk'), e('230/followme/ddial', 'EXTENSION'), e('231/device', '231')]);
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

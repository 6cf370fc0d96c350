// FreePBX Follow-Me mode: the AMPUSER/<ext>/followme/* AstDB keys that make the stock FreePBX
// dialplan ring a chosen target. ddial=DIRECT means Follow-Me is ON (EXT would mean "ring the
// extension only"); external numbers in grplist end with '#'. Pure.

export interface FollowMeTarget {
  readonly extension: string;
  /** Internal extensions and/or external numbers to ring, in order. */
  readonly numbers: readonly string[];
  /** Ring the extension itself first for this many seconds (0 = not at all). */
  readonly prering?: number;
  readonly grptime?: number;
  readonly strategy?: 'ringallv2' | 'ringall' | 'hunt' | 'memoryhunt';
  /** Internal extension numbers (others are treated as external and get '#'). */
  readonly isInternal: (number: string) => boolean;
}

export interface AstDbPut {
  readonly family: string;
  readonly key: string;
  readonly value: string;
}

export function followMeKeys(t: FollowMeTarget): AstDbPut[] {
  if (!/^[0-9]+$/.test(t.extension)) throw new Error(`extension must be digits: ${t.extension}`);
  const grplist = t.numbers
    .map((n) => n.replace(/#$/, '').trim())
    .filter((n) => /^[0-9*+]+$/.test(n))
    .map((n) => (t.isInternal(n) ? n : `${n}#`));
  if (grplist.length === 0) throw new Error('follow-me needs at least one valid number');
  const family = 'AMPUSER';
  const base = `${t.extension}/followme`;
  return [
    { family, key: `${base}/grplist`, value: grplist.join('-') },
    { family, key: `${base}/grptime`, value: String(t.grptime ?? 20) },
    { family, key: `${base}/prering`, value: String(t.prering ?? 0) },
    { family, key: `${base}/strategy`, value: t.strategy ?? 'ringallv2' },
    // written last so the new list is complete before Follow-Me switches on
    { family, key: `${base}/ddial`, value: 'DIRECT' },
  ];
}

/** Turning Follow-Me off: the extension rings as usual. */
export function followMeOff(extension: string): AstDbPut[] {
  return [{ family: 'AMPUSER', key: `${extension}/followme/ddial`, value: 'EXT' }];
}

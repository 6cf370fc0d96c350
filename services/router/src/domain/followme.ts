// What router writes into Asterisk's AstDB for a user's target, per deployment mode (pure).
//
// astdb:    our own keys SMARTASSISTANT/<ext>/target and /scenario (read by extensions_smartassistant.conf).
// followme: the FreePBX Follow-Me keys AMPUSER/<ext>/followme/* so the stock FreePBX dialplan
//           rings the target without our custom context. ddial=DIRECT means Follow-Me ON,
//           ddial=EXTENSION means OFF (ring the extension only); grplist is `-`-joined, internal
//           extensions plain, external numbers suffixed '#'.
// both:     both sets.
// Writes come in stages: a stage is sent only after the previous one was confirmed, so ddial is
// switched on only once the new list is in place.

export type TargetMode = 'astdb' | 'followme' | 'both';

export const ASTDB_FAMILY = 'SMARTASSISTANT';
export const FOLLOWME_FAMILY = 'AMPUSER';

/** One AstDB write; value null = delete the key. */
export interface AstDbWrite {
  readonly family: string;
  readonly key: string;
  readonly value: string | null;
}

export interface FollowMeSettings {
  /** seconds the list rings (FreePBX grptime) */
  readonly grptime: number;
  /** seconds the user's own extension rings first (FreePBX prering; 0 = not at all) */
  readonly prering: number;
  /** whether a dial string is an internal extension (others are external and get '#') */
  readonly isInternal: (dial: string) => boolean;
}

export interface WritePlanInput {
  readonly extension: string;
  readonly targetDial: string;
  readonly scenarioName: string;
}

/** The numbers of a dial string that Follow-Me can ring, or null when it cannot express it. */
export function grplistOf(targetDial: string, isInternal: (dial: string) => boolean): string | null {
  const parts = targetDial
    .split(/[-&]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return null;
  const out: string[] = [];
  for (const p of parts) {
    const external = p.endsWith('#');
    const number = external ? p.slice(0, -1) : p;
    if (!/^\+?[0-9*]+$/.test(number)) return null;
    out.push(external || !isInternal(number) ? `${number}#` : number);
  }
  return out.join('-');
}

/** Follow-Me keys for a target: ON with the target as the list, or OFF for the own extension. */
export function followMeWrites(
  extension: string,
  targetDial: string,
  s: FollowMeSettings,
): { stages: AstDbWrite[][]; note: string } {
  const base = `${extension}/followme`;
  const put = (k: string, value: string): AstDbWrite => ({
    family: FOLLOWME_FAMILY,
    key: `${base}/${k}`,
    value,
  });
  const off = (note: string) => ({ stages: [[put('ddial', 'EXTENSION')]], note });
  if (targetDial === '') return off('no target: Follow-Me off, the extension rings as usual');
  if (targetDial === extension) return off('own extension: Follow-Me off, the extension rings directly');
  const grplist = grplistOf(targetDial, s.isInternal);
  if (grplist === null) return off(`target ${targetDial} is not a number Follow-Me can ring: Follow-Me off`);
  return {
    stages: [
      [
        put('grplist', grplist),
        put('grptime', String(s.grptime)),
        put('prering', String(s.prering)),
        // ringall (never -prim: the primary extension's state must not cancel the list)
        put('strategy', 'ringall'),
      ],
      [put('ddial', 'DIRECT')],
    ],
    note: `Follow-Me on: ${grplist}`,
  };
}

/** Every AstDB write for one target change, in stages (see the header). */
export function targetWritePlan(
  input: WritePlanInput,
  mode: TargetMode,
  followMe: FollowMeSettings,
): AstDbWrite[][] {
  const own = (k: string, value: string): AstDbWrite => ({
    family: ASTDB_FAMILY,
    key: `${input.extension}/${k}`,
    value: value === '' ? null : value,
  });
  const ours = [own('target', input.targetDial), own('scenario', input.scenarioName)];
  if (mode === 'astdb') return [ours];
  const fm = followMeWrites(input.extension, input.targetDial, followMe).stages;
  if (mode === 'followme') return fm;
  const [first = [], ...rest] = fm;
  return [[...ours, ...first], ...rest];
}

/** isInternal from a regular expression (config FOLLOWME_INTERNAL_PATTERN). */
export function internalMatcher(pattern: string): (dial: string) => boolean {
  const re = new RegExp(pattern);
  return (dial) => re.test(dial);
}

// What router writes into Asterisk's AstDB for a user's target, per deployment mode (pure).
//
// astdb:    our own keys SMARTASSISTANT/<ext>/target and /scenario (read by extensions_smartassistant.conf).
// followme: the FreePBX Follow-Me keys AMPUSER/<ext>/followme/* so the stock FreePBX dialplan
//           rings the target without our custom context. ddial=DIRECT means Follow-Me ON,
//           ddial=EXTENSION means OFF (ring the extension only); grplist is `-`-joined.
// both:     both sets.
// Writes come in stages: a stage is sent only after the previous one was confirmed, so ddial is
// switched on only once the new list is in place.
//
// The `#` rule (seen on FreePBX 17 and IssabelPBX 2.12, /work/shared/reference/*-followme): FreePBX
// rings a plain list entry only when it is a real FreePBX extension (one with AMPUSER/<n>/* keys);
// anything else (a Misc Destination such as room 100, a number like 600 that is no extension, an
// external number) is dialled only with a trailing `#`. The caller passes the extensions it read
// from AstDB (FollowMeGuard: `database showkey cidname`), or null when it could not read them; then
// FOLLOWME_INTERNAL_PATTERN decides.

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
  /** whether a number is a FreePBX extension when AstDB's extension list is unknown (the pattern) */
  readonly fallbackIsExtension: (dial: string) => boolean;
}

/** The FreePBX extensions AstDB holds (AMPUSER/<n>/...), or null when they could not be read. */
export type KnownExtensions = ReadonlySet<string> | null;

/** The Follow-Me keys router writes (under AMPUSER/<ext>/followme/); FreePBX writes more. */
export const ROUTER_FOLLOWME_KEYS: readonly string[] = ['grplist', 'grptime', 'prering', 'strategy', 'ddial'];

export interface WritePlanInput {
  readonly extension: string;
  readonly targetDial: string;
  readonly scenarioName: string;
}

/**
 * Whether FreePBX rings a plain list entry `n` of `owner`'s list: the owner itself, or an extension
 * AstDB knows, or (AstDB unknown) one matching the fallback pattern.
 */
export function extensionTest(
  owner: string,
  known: KnownExtensions,
  fallback: (dial: string) => boolean,
): (n: string) => boolean {
  return (n) => n === owner || (known ? known.has(n) : fallback(n));
}

/**
 * The Follow-Me list of a dial string, or null when Follow-Me cannot express it: entries that are
 * FreePBX extensions plain, all others with a trailing '#' (an entry already ending in '#' stays).
 */
export function grplistOf(targetDial: string, isExtension: (n: string) => boolean): string | null {
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
    out.push(external || !isExtension(number) ? `${number}#` : number);
  }
  return out.join('-');
}

/** Follow-Me keys for a target: ON with the target as the list, or OFF for the own extension. */
export function followMeWrites(
  extension: string,
  targetDial: string,
  s: FollowMeSettings,
  known: KnownExtensions,
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
  const grplist = grplistOf(targetDial, extensionTest(extension, known, s.fallbackIsExtension));
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
  known: KnownExtensions,
): AstDbWrite[][] {
  const own = (k: string, value: string): AstDbWrite => ({
    family: ASTDB_FAMILY,
    key: `${input.extension}/${k}`,
    value: value === '' ? null : value,
  });
  const ours = [own('target', input.targetDial), own('scenario', input.scenarioName)];
  if (mode === 'astdb') return [ours];
  const fm = followMeWrites(input.extension, input.targetDial, followMe, known).stages;
  if (mode === 'followme') return fm;
  const [first = [], ...rest] = fm;
  return [[...ours, ...first], ...rest];
}

/**
 * The Follow-Me keys (name under AMPUSER/<ext>/followme/ -> value) Asterisk should hold once the
 * user's target is written: what `followMeWrites` writes, all stages together.
 */
export function followMeWanted(
  extension: string,
  targetDial: string,
  s: FollowMeSettings,
  known: KnownExtensions,
): ReadonlyMap<string, string> {
  const base = `${extension}/followme/`;
  const out = new Map<string, string>();
  for (const w of followMeWrites(extension, targetDial, s, known).stages.flat())
    if (w.value !== null) out.set(w.key.slice(base.length), w.value);
  return out;
}

/** Names of the wanted keys whose value in Asterisk differs (missing counts as different). */
export function followMeDrift(
  wanted: ReadonlyMap<string, string>,
  actual: ReadonlyMap<string, string> | undefined,
): string[] {
  const out: string[] = [];
  for (const [k, v] of wanted) if (actual?.get(k) !== v) out.push(k);
  return out;
}

/** A predicate from a regular expression (config FOLLOWME_INTERNAL_PATTERN). */
export function patternMatcher(pattern: string): (dial: string) => boolean {
  const re = new RegExp(pattern);
  return (dial) => re.test(dial);
}

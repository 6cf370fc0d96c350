// What one Follow-Me check reads of AstDB's AMPUSER family, seen from Follow-Me mode (pure): which
// numbers are real FreePBX extensions, each user's Follow-Me keys router owns, and whether the user
// has a saved Follow Me at all.
//
// What the real systems showed (/work/shared/reference/{freepbx17,issabel}-followme):
// * FreePBX core writes AMPUSER/<n>/cidname, cidnum, device, ... for every extension (cidname even
//   for a user without a device); a Misc Destination (room 100) or a number such as 600 has no
//   AMPUSER keys.
// * Saving the Follow Me page writes the whole AMPUSER/<ext>/followme tree, always with keys router
//   never writes (changecid, grpconf, fixedcid on both; FreePBX 17 also postdest, ringing ...), and
//   FreePBX generates the user's Follow-Me dialplan only for such users. A tree without changecid
//   (only router's keys, or none) therefore means "no saved Follow Me": router's keys do nothing
//   (call-b11). (A page saved but not yet applied has the keys without the dialplan; Apply Config
//   fixes that.)
//
// The whole family is 2-4 KB per extension, too much for one AMI/NATS message beyond a few hundred
// extensions, so a check reads only FOLLOWME_CHECK_KEYS, each with `database showkey <key>` (one
// line per user). showkey matches every key ending in /<key> in any family at any depth, with
// SQLite LIKE (ASCII case ignored, `_` any character), so parse() keeps exactly
// /AMPUSER/<ext>/<key> for the keys asked for and drops everything else.
import { ROUTER_FOLLOWME_KEYS } from './followme.js';

export interface AstDbEntry {
  /** as Asterisk prints it: `/AMPUSER/230/followme/ddial` */
  readonly key: string;
  readonly value: string;
}

/** 'ok' = a saved Follow Me; 'no-followme' = an extension without one; 'not-an-extension' = no AMPUSER keys. */
export type FollowMeUserStatus = 'ok' | 'no-followme' | 'not-an-extension';

const PREFIX = '/AMPUSER/';
const FOLLOWME = 'followme/';
/** written under followme/ by every saved Follow Me page (FreePBX 17 and 2.x), never by router */
const SAVED_MARKER = 'changecid';
/** written by FreePBX core for every extension (a user without a device still has cidname) */
const EXTENSION_MARKER = 'cidname';

/** The keys (paths under AMPUSER/<ext>/) one check reads, each with `database showkey <key>`. */
export const FOLLOWME_CHECK_KEYS: readonly string[] = [
  ...[...ROUTER_FOLLOWME_KEYS, SAVED_MARKER].map((k) => `${FOLLOWME}${k}`),
  EXTENSION_MARKER,
];
const CHECK_KEYS = new Set(FOLLOWME_CHECK_KEYS);

export class AmpuserSnapshot {
  private constructor(
    readonly extensions: ReadonlySet<string>,
    private readonly trees: ReadonlyMap<string, ReadonlyMap<string, string>>,
  ) {}

  /** The entries of the check's reads; anything but /AMPUSER/<ext>/<one of the check keys> is ignored. */
  static parse(entries: Iterable<AstDbEntry>): AmpuserSnapshot {
    const extensions = new Set<string>();
    const trees = new Map<string, Map<string, string>>();
    for (const { key, value } of entries) {
      if (!key.startsWith(PREFIX)) continue;
      const slash = key.indexOf('/', PREFIX.length);
      if (slash <= PREFIX.length) continue;
      const rest = key.slice(slash + 1);
      if (!CHECK_KEYS.has(rest)) continue;
      const ext = key.slice(PREFIX.length, slash);
      if (rest === EXTENSION_MARKER) {
        extensions.add(ext);
        continue;
      }
      const tree = trees.get(ext) ?? new Map<string, string>();
      trees.set(ext, tree);
      tree.set(rest.slice(FOLLOWME.length), value);
    }
    return new AmpuserSnapshot(extensions, trees);
  }

  /** The user's Follow-Me keys read (name under followme/ -> value), undefined when there are none. */
  followMe(extension: string): ReadonlyMap<string, string> | undefined {
    return this.trees.get(extension);
  }

  status(extension: string): FollowMeUserStatus {
    if (!this.extensions.has(extension)) return 'not-an-extension';
    return this.trees.get(extension)?.has(SAVED_MARKER) ? 'ok' : 'no-followme';
  }
}

/** The one step that fixes a user's Follow-Me status (for the log and the ops answer). */
export function followMeFix(extension: string, status: FollowMeUserStatus): string | null {
  if (status === 'no-followme')
    return (
      `Applications > Follow Me for ${extension}: save once with ring strategy ringall and ` +
      `"Destination if no answer" set (any list: router replaces it), then Apply Config`
    );
  if (status === 'not-an-extension')
    return (
      `${extension} is not a FreePBX extension (no AMPUSER/${extension}/cidname in AstDB): add it ` +
      `under Applications > Extensions, then save its Follow Me once`
    );
  return null;
}

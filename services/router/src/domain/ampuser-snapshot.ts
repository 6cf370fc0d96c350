// AstDB's AMPUSER family as one `database show AMPUSER` read returns it, seen from Follow-Me mode
// (pure): which numbers are real FreePBX extensions, each user's Follow-Me keys, and whether the
// user has a saved Follow Me at all.
//
// What the real systems showed (/work/shared/reference/{freepbx17,issabel}-followme):
// * FreePBX core writes AMPUSER/<n>/cidname, cidnum, device, ... for every extension; a Misc
//   Destination (room 100) or a number such as 600 has no AMPUSER keys.
// * Saving the Follow Me page writes the whole AMPUSER/<ext>/followme tree, always with keys router
//   never writes (changecid, grpconf, fixedcid; FreePBX 17 also postdest, ringing ...), and FreePBX
//   generates the user's Follow-Me dialplan only for such users. A tree holding nothing but
//   router's keys (or none) therefore means "no saved Follow Me": router's keys do nothing (call-b11).
//   (A page saved but not yet applied has the keys without the dialplan; Apply Config fixes that.)
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
/** keys FreePBX core writes for every extension (a user without a device still has cidname) */
const EXTENSION_MARKERS = new Set(['cidname', 'device']);
const ROUTER_KEYS = new Set(ROUTER_FOLLOWME_KEYS);

export class AmpuserSnapshot {
  private constructor(
    readonly extensions: ReadonlySet<string>,
    private readonly trees: ReadonlyMap<string, ReadonlyMap<string, string>>,
  ) {}

  static parse(entries: Iterable<AstDbEntry>): AmpuserSnapshot {
    const extensions = new Set<string>();
    const trees = new Map<string, Map<string, string>>();
    for (const { key, value } of entries) {
      if (!key.startsWith(PREFIX)) continue;
      const slash = key.indexOf('/', PREFIX.length);
      if (slash === -1) continue;
      const ext = key.slice(PREFIX.length, slash);
      const rest = key.slice(slash + 1);
      if (rest.startsWith(FOLLOWME)) {
        const tree = trees.get(ext) ?? new Map<string, string>();
        trees.set(ext, tree);
        tree.set(rest.slice(FOLLOWME.length), value);
      } else if (EXTENSION_MARKERS.has(rest)) extensions.add(ext);
    }
    return new AmpuserSnapshot(extensions, trees);
  }

  /** The user's Follow-Me keys (name under followme/ -> value), undefined when there are none. */
  followMe(extension: string): ReadonlyMap<string, string> | undefined {
    return this.trees.get(extension);
  }

  status(extension: string): FollowMeUserStatus {
    if (!this.extensions.has(extension)) return 'not-an-extension';
    for (const k of this.trees.get(extension)?.keys() ?? []) if (!ROUTER_KEYS.has(k)) return 'ok';
    return 'no-followme';
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

// What FreePBX 17 and IssabelPBX 2.x do to AstDB's Follow-Me keys (`/AMPUSER/<ext>/followme/*`)
// behind router's back, as observed on the real systems (/work/shared/reference/freepbx17-followme,
// issabel-followme). The AMI test server exposes these as test hooks; they change its AstDB only
// (no AMI event: AstDB changes produce none).
//
//   addFreePbxExtension: a real extension, as core writes it (`AMPUSER/<n>/device`, `cidname`...).
//   freepbxReload:       FreePBX 17 `fwconsole reload` for one user with a Follow Me row in SQL:
//                        rewrites strategy, postdest, ringing and the message keys from SQL, keeps
//                        grplist, grptime, prering, ddial. (Issabel 2.x Apply Config leaves AstDB
//                        alone: nothing to simulate.)
//   followMePageSave:    saving the user's Applications > Follow Me page: the whole followme tree is
//                        deleted and rewritten from the form (FreePBX 17: 16 keys; Issabel 2.x: 7,
//                        no strategy or postdest, which live in its generated dialplan).

export type FollowMePbx = 'freepbx17' | 'issabel2';

/** The user's Follow Me row in FreePBX's SQL (`findmefollow`), as reload writes it back. */
export interface FollowMeSqlRow {
  /** default `ringallv2-prim`, the GUI default */
  readonly strategy?: string;
  /** "Destination if no answer"; default `ext-local,<ext>,dest` */
  readonly postdest?: string;
  /** default `Ring` */
  readonly ringing?: string;
  readonly annmsg?: string;
  readonly remotealertmsg?: string;
  readonly toolatemsg?: string;
  readonly grppre?: string;
  readonly dring?: string;
  readonly rvolume?: string;
}

/** The Follow Me page's fields as saved (FreePBX 17's page has already appended `#` where it does). */
export interface FollowMeForm extends FollowMeSqlRow {
  readonly grplist: string;
  /** default 20 */
  readonly grptime?: number;
  /** "Initial Ring Time"; default 7 */
  readonly prering?: number;
  /** `DIRECT` = Follow Me enabled (default), `EXTENSION` = disabled */
  readonly ddial?: 'DIRECT' | 'EXTENSION';
}

type AstDb = Map<string, string>;

const path = (ext: string, key: string) => `/AMPUSER/${ext}/followme/${key}`;

/** SQL-backed keys in the order FreePBX 17's reload writes them (b5-reload-writes.txt). */
function sqlKeys(ext: string, sql: FollowMeSqlRow): [string, string][] {
  return [
    ['grppre', sql.grppre ?? ''],
    ['dring', sql.dring ?? ''],
    ['rvolume', sql.rvolume ?? ''],
    ['strategy', sql.strategy ?? 'ringallv2-prim'],
    ['annmsg', sql.annmsg ?? ''],
    ['remotealertmsg', sql.remotealertmsg ?? ''],
    ['toolatemsg', sql.toolatemsg ?? ''],
    ['postdest', sql.postdest ?? `ext-local,${ext},dest`],
    ['ringing', sql.ringing ?? 'Ring'],
  ];
}

export function addFreePbxExtension(db: AstDb, ext: string, name = `User ${ext}`): void {
  for (const [k, v] of [
    ['cidname', name],
    ['cidnum', ext],
    ['device', ext],
    ['noanswer', ''],
    ['outboundcid', ''],
    ['password', ''],
    ['ringtimer', '0'],
    ['voicemail', 'novm'],
  ] as const)
    db.set(`/AMPUSER/${ext}/${k}`, v);
  db.set(`/DEVICE/${ext}/default_user`, ext);
  db.set(`/DEVICE/${ext}/type`, 'fixed');
  db.set(`/DEVICE/${ext}/user`, ext);
}

export function freepbxReload(db: AstDb, ext: string, sql: FollowMeSqlRow = {}): void {
  for (const [k, v] of sqlKeys(ext, sql)) db.set(path(ext, k), v);
}

export function followMePageSave(
  db: AstDb,
  ext: string,
  form: FollowMeForm,
  pbx: FollowMePbx = 'freepbx17',
): void {
  const prefix = `/AMPUSER/${ext}/followme/`;
  // (a Map may delete the key being visited)
  for (const k of db.keys()) if (k.startsWith(prefix)) db.delete(k);
  const common: [string, string][] = [
    ['changecid', 'default'],
    ['ddial', form.ddial ?? 'DIRECT'],
    ['fixedcid', ''],
    ['grpconf', 'DISABLED'],
    ['grplist', form.grplist],
    ['grptime', String(form.grptime ?? 20)],
    ['prering', String(form.prering ?? 7)],
  ];
  const keys = pbx === 'issabel2' ? common : [...common, ...sqlKeys(ext, form)];
  for (const [k, v] of keys.sort(([a], [b]) => (a < b ? -1 : 1))) db.set(path(ext, k), v);
}

// The AstDB CLI commands `database show [family [keytree]]` and `database showkey <key>` as Asterisk
// answers them (main/db.c), over the AMI test server's in-memory AstDB. Both print each entry as
// `%-50s: %-25s` ordered by key and end with `<n> results found.`; over AMI every line becomes an
// `Output:` header (see packages/ami-protocol/fixtures 04-list-ping-events-logoff, `core show version`).
// * show:    `key || '/' LIKE prefix || '/%'`: the entry itself and everything under it;
// * showkey: `key LIKE '%/' || <key>`: every entry, in any family and at any depth, whose key ends
//   in `/<key>` (`<key>` may itself hold `/`, e.g. `followme/ddial`).
// SQLite's LIKE ignores ASCII case, and `%` / `_` in the argument are wildcards (any run / any one
// character).

const SHOW_USAGE = [
  'Usage: database show [family [keytree]]',
  '   OR: database show [family[/keytree]]',
  '       Shows Asterisk database contents, optionally restricted',
  '       to a given family, or family and keytree. The two arguments',
  '       may be separated either by a space or by a slash.',
];

const SHOWKEY_USAGE = [
  'Usage: database showkey <keytree>',
  '       Shows Asterisk database contents, restricted to a given key.',
];

/** Output lines of a `database show ...` or `database showkey ...` command line, else undefined. */
export function astDbCliOutput(db: ReadonlyMap<string, string>, command: string): string[] | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'database') return undefined;
  const verb = words[1]?.toLowerCase();
  const args = words.slice(2);
  if (verb === 'show') {
    if (args.length > 2) return SHOW_USAGE;
    const prefix = args.length === 0 ? '' : asciiLower(`/${args.join('/')}`);
    return listing(db, (k) => prefix === '' || asciiLower(`${k}/`).startsWith(`${prefix}/`));
  }
  if (verb === 'showkey') {
    if (args.length !== 1) return SHOWKEY_USAGE;
    return listing(db, like(`%/${args[0]}`));
  }
  return undefined;
}

function listing(db: ReadonlyMap<string, string>, selected: (key: string) => boolean): string[] {
  const entries: [string, string][] = [];
  for (const entry of db) if (selected(entry[0])) entries.push(entry);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...entries.map(([k, v]) => `${k.padEnd(50)}: ${v.padEnd(25)}`), `${entries.length} results found.`];
}

/** SQLite `key LIKE <pattern>` (no ESCAPE). A test runs over every AstDB key, so `%<literal>` is cheap. */
function like(pattern: string): (key: string) => boolean {
  const p = asciiLower(pattern);
  const literal = p.slice(1);
  if (p.startsWith('%') && !/[%_]/.test(literal)) {
    const n = literal.length;
    // toLowerCase also folds non-ASCII letters, so a candidate is confirmed with ASCII folding only
    return (key) =>
      key.length >= n && key.slice(-n).toLowerCase() === literal && asciiLower(key.slice(-n)) === literal;
  }
  let body = '';
  for (const c of p) body += c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const re = new RegExp(`^${body}$`, 's');
  return (key) => re.test(asciiLower(key));
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

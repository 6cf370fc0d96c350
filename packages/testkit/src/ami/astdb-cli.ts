// The AstDB CLI command `database show [family [keytree]]` as Asterisk answers it (main/db.c),
// over the AMI test server's in-memory AstDB. Asterisk selects `key || '/' LIKE prefix || '/%'`
// (the entry itself and everything under it, ASCII case-insensitive) ordered by key, prints each
// entry as `%-50s: %-25s` and ends with `<n> results found.`; over AMI every line becomes an
// `Output:` header (see packages/ami/fixtures 04-list-ping-events-logoff, `core show version`).

const USAGE = [
  'Usage: database show [family [keytree]]',
  '   OR: database show [family[/keytree]]',
  '       Shows Asterisk database contents, optionally restricted',
  '       to a given family, or family and keytree. The two arguments',
  '       may be separated either by a space or by a slash.',
];

/** Output lines of a `database show ...` command line, or undefined for any other command. */
export function databaseShowOutput(db: ReadonlyMap<string, string>, command: string): string[] | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'database' || words[1]?.toLowerCase() !== 'show') return undefined;
  const args = words.slice(2);
  if (args.length > 2) return USAGE;
  const prefix = args.length === 0 ? '' : `/${args.join('/')}`.toLowerCase();
  const entries = [...db.entries()]
    .filter(([k]) => prefix === '' || `${k}/`.toLowerCase().startsWith(`${prefix}/`))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...entries.map(([k, v]) => `${k.padEnd(50)}: ${v.padEnd(25)}`), `${entries.length} results found.`];
}

// The only CLI commands ami-bridge sends through AMI's Command action, and the parser of their
// output. Pure. Only validated tokens reach the CLI: a family and `/`-separated key segments of
// letters, digits, `_ . + -` (no spaces, quotes or CLI syntax).
// * `database show <family>/<key>` (DbShow): the entry at and every entry under /<family>/<key>;
// * `database showkey <key>` (DbShowKey): every entry, in any family and at any depth, whose key
//   ends in /<key> (Asterisk's main/db.c: `key LIKE '%/' || <key>`, so ASCII case is ignored and
//   `_` matches any one character; readers filter the entries they asked for).
//
// Asterisk prints each entry of both as `%-50s: %-25s` (key padded to 50 columns, value padded to
// 25), then `<n> results found.`; Asterisk 14+ sends every line as an `Output:` header, older
// versions as the raw body of `Response: Follows` (both reach here as lines).
import { AmiBridgeError } from '../errors.js';

const SEGMENT = /^[A-Za-z0-9_.+-]{1,80}$/;
const MAX_KEY_SEGMENTS = 8;
const KEY_COLUMNS = 50;

export interface DbEntry {
  readonly key: string;
  readonly value: string;
}

/** The CLI command for a DbShow, or a typed error when a token is not a plain AstDB name. */
export function databaseShowCommand(family: string | null | undefined, key?: string | null): string {
  if (!family) throw invalid('DbShow', 'DbShow needs family', 'family');
  if (!SEGMENT.test(family))
    throw invalid('DbShow', 'DbShow family must be letters, digits, _ . + or -', 'family');
  if (!key) return `database show ${family}`;
  if (!isKeyPath(key))
    throw invalid('DbShow', 'DbShow key must be /-separated segments of letters, digits, _ . + or -', 'key');
  return `database show ${family}/${key}`;
}

/** The CLI command for a DbShowKey, or a typed error when the key is not a plain AstDB key path. */
export function databaseShowKeyCommand(key: string | null | undefined): string {
  if (!key) throw invalid('DbShowKey', 'DbShowKey needs key', 'key');
  if (!isKeyPath(key))
    throw invalid(
      'DbShowKey',
      'DbShowKey key must be /-separated segments of letters, digits, _ . + or -',
      'key',
    );
  return `database showkey ${key}`;
}

function isKeyPath(key: string): boolean {
  const segments = key.split('/');
  return segments.length <= MAX_KEY_SEGMENTS && segments.every((s) => SEGMENT.test(s));
}

function invalid(action: string, message: string, field: string): AmiBridgeError {
  return new AmiBridgeError('AMI_BRIDGE_COMMAND_INVALID', message, { action, field });
}

/**
 * The entries of `database show` / `database showkey` output lines. Lines that are not entries (the
 * `results found` trailer, blank lines) are skipped; trailing padding is removed from keys and values.
 */
export function parseDatabaseShow(lines: readonly string[]): DbEntry[] {
  const out: DbEntry[] = [];
  for (const line of lines) {
    if (line.charCodeAt(0) !== 47 /* '/' */) continue;
    // a key of up to 50 characters ends at column 50; a longer one right before its ': '
    let sep = line.length > KEY_COLUMNS && line[KEY_COLUMNS] === ':' ? KEY_COLUMNS : -1;
    if (sep === -1) sep = line.indexOf(': ', 1);
    if (sep === -1) {
      // an empty value whose padding was stripped
      const trimmed = line.trimEnd();
      if (!trimmed.endsWith(':')) continue;
      sep = trimmed.length - 1;
    }
    const key = line.slice(0, sep).trimEnd();
    if (key.length < 2) continue;
    out.push({ key, value: line.slice(sep + 2).trimEnd() });
  }
  return out;
}

// The one CLI command ami-bridge sends through AMI's Command action: `database show <family>/<key>`
// (DbShow), and the parser of its output. Pure. Only validated tokens reach the CLI: a family and
// `/`-separated key segments of letters, digits, `_ . + -` (no spaces, quotes or CLI syntax).
//
// Asterisk prints each entry as `%-50s: %-25s` (key padded to 50 columns, value padded to 25),
// then `<n> results found.`; Asterisk 14+ sends every line as an `Output:` header, older versions
// as the raw body of `Response: Follows` (both reach here as lines).
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
  if (!family) throw invalid('DbShow needs family', 'family');
  if (!SEGMENT.test(family)) throw invalid('DbShow family must be letters, digits, _ . + or -', 'family');
  if (!key) return `database show ${family}`;
  const segments = key.split('/');
  if (segments.length > MAX_KEY_SEGMENTS || !segments.every((s) => SEGMENT.test(s)))
    throw invalid('DbShow key must be /-separated segments of letters, digits, _ . + or -', 'key');
  return `database show ${family}/${key}`;
}

function invalid(message: string, field: string): AmiBridgeError {
  return new AmiBridgeError('AMI_BRIDGE_COMMAND_INVALID', message, { action: 'DbShow', field });
}

/**
 * The entries of `database show` output lines. Lines that are not entries (the `results found`
 * trailer, blank lines) are skipped; trailing padding is removed from keys and values.
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

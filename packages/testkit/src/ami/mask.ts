// Values that differ between two runs of the same conversation and are masked when the test server's
// bytes are compared with the recordings: clocks (Timestamp, EventTV, SessionTV), the session pointer
// (SessionID), uptime (Uptime, LastReload), TCP ports (RemoteAddress and LocalAddress port) and
// Asterisk-generated call ids (Uniqueid, Linkedid). Nothing else is masked.
export const VARIABLE_HEADERS = [
  'Timestamp',
  'EventTV',
  'SessionTV',
  'SessionID',
  'Uptime',
  'LastReload',
  'Uniqueid',
  'Linkedid',
] as const;

const headerRe = new RegExp(`^(${VARIABLE_HEADERS.join('|')}): (?!1970-01-01T)[^\\r\\n]*`, 'gmi');
const addressRe = /^((?:Remote|Local)Address: IPV4\/TCP\/127\.0\.0\.1\/)\d+/gm;

export function maskVariable(text: string): string {
  return text.replace(headerRe, '$1: *').replace(addressRe, '$1*');
}

// Values that differ between two runs of the same conversation and are masked when the test server's
// bytes are compared with the recordings. Nothing else is masked.
// - clocks: Timestamp, EventTV, SessionTV, CoreStartupDate/Time, CoreReloadDate/Time;
// - elapsed times: Uptime, LastReload, Duration (CoreShowChannel), Seconds (Status) — they depend on
//   how long the call or the process has been up when the list is asked for;
// - the session pointer SessionID and the TCP ports of RemoteAddress / LocalAddress;
// - ids Asterisk generates: every `...Uniqueid` / `...Linkedid` header (Uniqueid, DestUniqueid,
//   LocalOneLinkedid, BridgeUniqueid — a random UUID — ...), BridgeId/BridgeID (the same UUID in list
//   items), and the Uniqueid at the end of a `core show channels concise` Output line.
const VARIABLE_NAMES = [
  'Timestamp',
  'EventTV',
  'SessionTV',
  'SessionID',
  'Uptime',
  'LastReload',
  'CoreStartupDate',
  'CoreStartupTime',
  'CoreReloadDate',
  'CoreReloadTime',
  'Duration',
  'Seconds',
  'BridgeId',
  '[A-Za-z]*Uniqueid',
  '[A-Za-z]*Linkedid',
] as const;

/** Header names (regex source, case-insensitive) whose values are masked. */
export const VARIABLE_HEADERS: readonly string[] = VARIABLE_NAMES;

const headerRe = new RegExp(`^(${VARIABLE_NAMES.join('|')}): (?!1970-01-01T)[^\\r\\n]*`, 'gmi');
const addressRe = /^((?:Remote|Local)Address: IPV4\/TCP\/127\.0\.0\.1\/)\d+/gm;
const conciseRe = /^(Output: [^\r\n]*!)\d+\.\d+(?=\r?$)/gm;

export function maskVariable(text: string): string {
  return text.replace(headerRe, '$1: *').replace(addressRe, '$1*').replace(conciseRe, '$1*');
}

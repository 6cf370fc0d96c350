// Builds AMI wire bytes the way Asterisk 22 lays them out: CRLF lines, blank-line terminator,
// headers in the order given, an empty ActionID left out.
export type WireHeaders = readonly (readonly [string, string | undefined])[];

export function frame(headers: WireHeaders): Buffer {
  let out = '';
  for (const [name, value] of headers) {
    if (value === undefined) continue;
    out += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${out}\r\n`, 'utf8');
}

export function response(
  kind: 'Success' | 'Error' | 'Goodbye' | 'Failure',
  actionId: string | undefined,
  rest: WireHeaders = [],
): Buffer {
  return frame([['Response', kind], ['ActionID', actionId || undefined], ...rest]);
}

export function amiTimestamp(nowMs: number): string {
  const micros = Math.floor(nowMs * 1000) % 1_000_000;
  return `${Math.floor(nowMs / 1000)}.${String(micros).padStart(6, '0')}`;
}

export function eventTv(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('Z', '+0000');
}

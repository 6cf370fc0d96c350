// Serialises actions to the AMI wire format (CRLF lines, blank-line terminator). Refuses CR/LF in
// values and CR/LF/colon in names so a value can never inject a second header or action.
import type { AmiHeaders } from './ami-message.js';
import { AmiError } from './errors.js';

export type AmiHeaderValue = string | number | boolean | readonly string[] | undefined;
export type AmiActionFields = AmiHeaders | Readonly<Record<string, AmiHeaderValue>>;

export function serializeAction(action: string, fields: AmiActionFields = {}, actionId?: string): Buffer {
  let out = line('Action', action);
  if (actionId !== undefined) out += line('ActionID', actionId);
  const entries: readonly (readonly [string, AmiHeaderValue])[] = Array.isArray(fields)
    ? (fields as AmiHeaders)
    : Object.entries(fields);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out += line(name, v);
    else out += line(name, String(value));
  }
  return Buffer.from(`${out}\r\n`, 'utf8');
}

function line(name: string, value: string): string {
  if (name.length === 0 || /[\r\n:]/.test(name)) {
    throw new AmiError('AMI_INVALID_HEADER', `invalid AMI header name ${JSON.stringify(name)}`, { name });
  }
  if (/[\r\n]/.test(value)) {
    throw new AmiError('AMI_INVALID_HEADER', `AMI header ${name} contains a line break`, { name });
  }
  return `${name}: ${value}\r\n`;
}

// AmiCommand (proto) -> AMI action name + headers, and an AMI result -> AmiResult fields. Pure.
import type { smartassistant } from '@sa/proto';

type IAmiCommand = smartassistant.v1.IAmiCommand;

import { AmiBridgeError } from '../errors.js';
import { databaseShowCommand, databaseShowKeyCommand } from './database-show.js';

export interface AmiActionRequest {
  readonly action: string;
  readonly fields: readonly (readonly [string, string])[];
  /** Deleting a key that is already gone counts as done (idempotent delete). */
  readonly missingIsOk: boolean;
  /** The answer is `database show`/`showkey` output: return its entries (AmiResult.db_entries). */
  readonly dbEntries?: boolean;
}

function need(value: string | null | undefined, field: string, action: string): string {
  if (!value)
    throw new AmiBridgeError('AMI_BRIDGE_COMMAND_INVALID', `${action} needs ${field}`, { action, field });
  return value;
}

type CommandKind =
  | 'dbPut'
  | 'dbGet'
  | 'dbDel'
  | 'dbDelTree'
  | 'dbShow'
  | 'dbShowKey'
  | 'redirect'
  | 'setvar'
  | 'originate'
  | 'hangup';
type Mapper<K extends CommandKind> = (c: NonNullable<IAmiCommand[K]>) => AmiActionRequest;

/** One mapper per command kind; a command sets one kind, and the first set in this order wins. */
const MAPPERS: { readonly [K in CommandKind]: Mapper<K> } = {
  dbPut: (c) => ({
    action: 'DBPut',
    fields: [
      ['Family', need(c.family, 'family', 'DBPut')],
      ['Key', need(c.key, 'key', 'DBPut')],
      ['Val', c.value ?? ''],
    ],
    missingIsOk: false,
  }),
  dbGet: (c) => ({
    action: 'DBGet',
    fields: [
      ['Family', need(c.family, 'family', 'DBGet')],
      ['Key', need(c.key, 'key', 'DBGet')],
    ],
    missingIsOk: false,
  }),
  dbDel: (c) => ({
    action: 'DBDel',
    fields: [
      ['Family', need(c.family, 'family', 'DBDel')],
      ['Key', need(c.key, 'key', 'DBDel')],
    ],
    missingIsOk: true,
  }),
  dbDelTree: (c) => {
    const fields: [string, string][] = [['Family', need(c.family, 'family', 'DBDelTree')]];
    if (c.key) fields.push(['Key', c.key]);
    return { action: 'DBDelTree', fields, missingIsOk: true };
  },
  dbShow: (c) => ({
    action: 'Command',
    fields: [['Command', databaseShowCommand(c.family, c.key)]],
    missingIsOk: false,
    dbEntries: true,
  }),
  dbShowKey: (c) => ({
    action: 'Command',
    fields: [['Command', databaseShowKeyCommand(c.key)]],
    missingIsOk: false,
    dbEntries: true,
  }),
  redirect: redirectAction,
  setvar: (c) => {
    const fields: [string, string][] = [];
    if (c.channel) fields.push(['Channel', c.channel]);
    fields.push(['Variable', need(c.variable, 'variable', 'Setvar')], ['Value', c.value ?? '']);
    return { action: 'Setvar', fields, missingIsOk: false };
  },
  originate: originateAction,
  hangup: (c) => {
    const fields: [string, string][] = [['Channel', need(c.channel, 'channel', 'Hangup')]];
    if (c.cause) fields.push(['Cause', String(c.cause)]);
    return { action: 'Hangup', fields, missingIsOk: false };
  },
};
const KINDS = Object.keys(MAPPERS) as CommandKind[];

export function toAmiAction(cmd: IAmiCommand): AmiActionRequest {
  for (const kind of KINDS) {
    const c = cmd[kind];
    if (c) return (MAPPERS[kind] as (c: unknown) => AmiActionRequest)(c);
  }
  throw new AmiBridgeError('AMI_BRIDGE_COMMAND_UNSUPPORTED');
}

function redirectAction(c: NonNullable<IAmiCommand['redirect']>): AmiActionRequest {
  const fields: [string, string][] = [
    ['Channel', need(c.channel, 'channel', 'Redirect')],
    ['Context', need(c.context, 'context', 'Redirect')],
    ['Exten', need(c.exten, 'exten', 'Redirect')],
    ['Priority', String(c.priority || 1)],
  ];
  if (c.extraChannel) {
    fields.push(
      ['ExtraChannel', c.extraChannel],
      ['ExtraContext', c.extraContext || (c.context as string)],
      ['ExtraExten', c.extraExten || (c.exten as string)],
      ['ExtraPriority', String(c.extraPriority || c.priority || 1)],
    );
  }
  return { action: 'Redirect', fields, missingIsOk: false };
}

function originateAction(c: NonNullable<IAmiCommand['originate']>): AmiActionRequest {
  const fields: [string, string][] = [['Channel', need(c.channel, 'channel', 'Originate')]];
  if (c.application) fields.push(['Application', c.application], ['Data', c.data ?? '']);
  else {
    fields.push(
      ['Context', need(c.context, 'context or application', 'Originate')],
      ['Exten', need(c.exten, 'exten', 'Originate')],
      ['Priority', String(c.priority || 1)],
    );
  }
  if (c.timeoutMs) fields.push(['Timeout', String(c.timeoutMs)]);
  if (c.callerId) fields.push(['CallerID', c.callerId]);
  for (const [k, v] of Object.entries(c.variables ?? {})) fields.push(['Variable', `${k}=${v}`]);
  fields.push(['Async', c.async ? 'true' : 'false']);
  return { action: 'Originate', fields, missingIsOk: false };
}

const SKIP = new Set(['response', 'actionid', 'message', 'eventlist', 'event']);

/** Fields of an AMI answer worth returning: response headers plus list item values (DBGet's Val). */
export function resultFields(
  response: ReadonlyMap<string, string> | readonly (readonly [string, string])[],
  events: readonly (readonly (readonly [string, string])[])[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (pairs: Iterable<readonly [string, string]>): void => {
    for (const [k, v] of pairs) if (!SKIP.has(k.toLowerCase()) && !(k in out)) out[k] = v;
  };
  add(response instanceof Map ? response.entries() : (response as readonly (readonly [string, string])[]));
  for (const e of events) add(e);
  return out;
}

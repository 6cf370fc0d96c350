// A minimal channel model for the AMI test server: enough state for Getvar/Setvar/Redirect/Hangup
// and for the standard channel headers Asterisk puts on call events.
import type { WireHeaders } from './ami-wire.js';

export interface SimulatedChannel {
  name: string;
  state: number;
  stateDesc: string;
  callerIdNum: string;
  callerIdName: string;
  connectedLineNum: string;
  connectedLineName: string;
  context: string;
  exten: string;
  priority: number;
  uniqueid: string;
  linkedid: string;
  readonly vars: Map<string, string>;
  /** The dialplan application the channel is running (from Newexten), for CoreShowChannels. */
  application?: string;
  applicationData?: string;
  /** `now()` when the channel was created, for CoreShowChannels' Duration. */
  createdAt?: number;
}

type NewChannelFields = Pick<SimulatedChannel, 'name' | 'state' | 'stateDesc' | 'uniqueid' | 'linkedid'> &
  Partial<SimulatedChannel>;

/** A channel with what Asterisk shows before it knows more: no caller, context `default`, exten `s`. */
export function newChannel(fields: NewChannelFields): SimulatedChannel {
  return {
    callerIdNum: '<unknown>',
    callerIdName: '<unknown>',
    connectedLineNum: '<unknown>',
    connectedLineName: '<unknown>',
    context: 'default',
    exten: 's',
    priority: 1,
    vars: new Map(),
    ...fields,
  };
}

export function channelHeaders(c: SimulatedChannel): WireHeaders {
  return [
    ['Channel', c.name],
    ['ChannelState', String(c.state)],
    ['ChannelStateDesc', c.stateDesc],
    ['CallerIDNum', c.callerIdNum],
    ['CallerIDName', c.callerIdName],
    ['ConnectedLineNum', c.connectedLineNum],
    ['ConnectedLineName', c.connectedLineName],
    ['Language', 'en'],
    ['AccountCode', ''],
    ['Context', c.context],
    ['Exten', c.exten],
    ['Priority', String(c.priority)],
    ['Uniqueid', c.uniqueid],
    ['Linkedid', c.linkedid],
  ];
}

/** `"Name" <1234>` -> { name, num } the way Asterisk splits a CallerID string. */
export function parseCallerId(raw: string | undefined): { name: string; num: string } {
  if (!raw) return { name: '<unknown>', num: '<unknown>' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(raw);
  if (m) return { name: m[1] || '<unknown>', num: m[2] || '<unknown>' };
  return { name: '<unknown>', num: raw.trim() };
}

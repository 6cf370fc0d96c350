// Plays the part of Asterisk for one incoming call: a channel enters our SmartAssistant context
// and the dialplan announces it with `UserEvent(SmartAssistantCall,...)` (deploy/asterisk).
import type { AmiMessage } from '@sa/ami';
import type { AmiTestServer } from '@sa/testkit/ami';

let callSeq = 0;

export interface PlacedCall {
  readonly channel: string;
  readonly uniqueid: string;
  /** the Redirect ami-bridge sent for this channel */
  readonly redirect: AmiMessage;
  readonly waitedMs: number;
}

export async function placeCall(
  ami: AmiTestServer,
  extension: string,
  caller = { num: '0301234567', name: 'Customer' },
  timeoutMs = 2000,
): Promise<PlacedCall> {
  callSeq += 1;
  const uniqueid = `${Math.floor(Date.now() / 1000)}.${1000 + callSeq}`;
  const channel = `PJSIP/trunk-${String(callSeq).padStart(8, '0')}`;
  const ch = ami.addChannel({
    name: channel,
    state: 4,
    stateDesc: 'Ring',
    callerIdNum: caller.num,
    callerIdName: caller.name,
    context: 'smartassistant',
    exten: extension,
    priority: 2,
    uniqueid,
    linkedid: uniqueid,
  });
  const started = Date.now();
  ami.announceCall(ch, extension);
  const redirect = await ami.waitForAction(
    (m) => m.get('Action')?.toLowerCase() === 'redirect' && m.get('Channel') === channel,
    timeoutMs,
  );
  return { channel, uniqueid, redirect, waitedMs: Date.now() - started };
}

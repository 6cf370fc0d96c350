import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallTracker } from './call-tracker.js';

const ev = (h: Record<string, string>) => ({ get: (n: string) => h[n] });
const tracker = () => new CallTracker({ userEvent: 'SmartAssistantCall', context: 'smartassistant' });

test('given our UserEvent and then the VarSet of __SA_EXTEN for the same call, when tracked, then the call arrives once', () => {
  const t = tracker();
  const a = t.onEvent(
    ev({
      Event: 'UserEvent',
      UserEvent: 'SmartAssistantCall',
      Extension: '230',
      Channel: 'PJSIP/x-1',
      Uniqueid: '1.1',
      CallerIDNum: '555',
    }),
  );
  assert.equal(a?.kind, 'arrived');
  assert.equal(a?.kind === 'arrived' && a.call.extension, '230');
  const b = t.onEvent(
    ev({
      Event: 'VarSet',
      Context: 'smartassistant',
      Variable: '__SA_EXTEN',
      Value: '230',
      Channel: 'PJSIP/x-1',
      Uniqueid: '1.1',
    }),
  );
  assert.equal(b, undefined);
});

test('given a VarSet of FMGRP outside our context, when tracked, then it is ignored', () => {
  assert.equal(
    tracker().onEvent(
      ev({
        Event: 'VarSet',
        Context: 'from-internal',
        Variable: 'FMGRP',
        Value: '230',
        Channel: 'c',
        Uniqueid: '1',
      }),
    ),
    undefined,
  );
});

test('given the VarSet Asterisk really sends for Set(__SA_EXTEN=231) in our context, when tracked, then the call for 231 arrives', () => {
  const a = tracker().onEvent(
    ev({
      Event: 'VarSet',
      Context: 'smartassistant',
      Variable: '__SA_EXTEN',
      Value: '231',
      Channel: 'SIP/caller-00000042',
      Uniqueid: '1796577857.126',
    }),
  );
  assert.ok(a?.kind === 'arrived');
  assert.equal(a.call.extension, '231');
});

test('given a VarSet of EXTTOCALL in our context (a FreePBX 17 list entry), when tracked, then it announces no call', () => {
  const e = { Event: 'VarSet', Context: 'smartassistant', Variable: '__EXTTOCALL', Value: '99999' };
  assert.equal(tracker().onEvent(ev({ ...e, Channel: 'c', Uniqueid: '9.1' })), undefined);
});

test('given an arrived call, when it is answered and hangs up, then answered and hung-up follow with the destination', () => {
  const t = tracker();
  t.onEvent(
    ev({
      Event: 'VarSet',
      Context: 'smartassistant',
      Variable: '__SA_EXTEN',
      Value: '231',
      Channel: 'c',
      Uniqueid: '2.1',
    }),
  );
  t.setDestination('2.1', '100');
  assert.equal(t.onEvent(ev({ Event: 'Newstate', Uniqueid: '2.1', ChannelState: '6' }))?.kind, 'answered');
  const h = t.onEvent(ev({ Event: 'Hangup', Uniqueid: '2.1', Cause: '16', 'Cause-txt': 'Normal Clearing' }));
  assert.ok(h?.kind === 'hung-up');
  assert.equal(h.call.destination, '100');
  assert.equal(h.cause, 'Normal Clearing');
  assert.equal(t.size, 0);
});

test('given the call limit, when more calls arrive, then the oldest is forgotten so memory stays bounded', () => {
  const t = new CallTracker({ userEvent: 'X', context: 'c', maxCalls: 2 });
  for (const id of ['1', '2', '3'])
    t.onEvent(ev({ Event: 'UserEvent', UserEvent: 'X', Extension: '1', Channel: 'c', Uniqueid: id }));
  assert.equal(t.size, 2);
  assert.equal(t.get('1'), undefined);
});

test('given an arrived call, when its channel enters a bridge before any Newstate Up, then it is answered once and found by channel until it hangs up', () => {
  const t = tracker();
  t.onEvent(
    ev({
      Event: 'UserEvent',
      UserEvent: 'SmartAssistantCall',
      Extension: '232',
      Channel: 'PJSIP/t-9',
      Uniqueid: '9.1',
    }),
  );
  assert.equal(t.byChannel('PJSIP/t-9')?.callId, '9.1');
  assert.equal(
    t.onEvent(ev({ Event: 'BridgeEnter', Uniqueid: '9.1', Channel: 'PJSIP/t-9' }))?.kind,
    'answered',
  );
  assert.equal(t.onEvent(ev({ Event: 'Newstate', Uniqueid: '9.1', ChannelState: '6' })), undefined);
  assert.equal(t.onEvent(ev({ Event: 'Hangup', Uniqueid: '9.1', Cause: '16' }))?.kind, 'hung-up');
  assert.equal(t.byChannel('PJSIP/t-9'), undefined);
});

test('given an arrived call, when only other channels enter bridges or ring, then it is not answered', () => {
  const t = tracker();
  t.onEvent(
    ev({
      Event: 'UserEvent',
      UserEvent: 'SmartAssistantCall',
      Extension: '233',
      Channel: 'PJSIP/t-8',
      Uniqueid: '8.1',
    }),
  );
  assert.equal(
    t.onEvent(ev({ Event: 'BridgeEnter', Uniqueid: '8.2', Channel: 'Local/233@x-1;1' })),
    undefined,
  );
  assert.equal(t.onEvent(ev({ Event: 'Newstate', Uniqueid: '8.1', ChannelState: '5' })), undefined);
  assert.equal(t.get('8.1')?.answered, false);
});

test('given the AstDB-first UserEvent, when tracked, then the call carries the target the dialplan dialled; the waiting one carries none', () => {
  const t = tracker();
  const announce = (id: string, extra: Record<string, string>) =>
    t.onEvent(
      ev({
        Event: 'UserEvent',
        UserEvent: 'SmartAssistantCall',
        Extension: '230',
        Channel: `PJSIP/x-${id}`,
        Uniqueid: id,
        ...extra,
      }),
    );
  const dialled = announce('2.1', { Target: '299' });
  assert.equal(dialled?.kind === 'arrived' && dialled.call.dialledTarget, '299');
  const normal = announce('2.2', { Target: '' });
  assert.equal(
    normal?.kind === 'arrived' && normal.call.dialledTarget,
    '',
    'no AstDB target: normal handling',
  );
  const waiting = announce('2.3', {});
  assert.equal(waiting?.kind === 'arrived' && waiting.call.dialledTarget, undefined);
});

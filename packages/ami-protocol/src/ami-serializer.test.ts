import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmiFrameParser } from './ami-frame-parser.js';
import { serializeAction } from './ami-serializer.js';
import { isAmiError } from './errors.js';

test('given an action with repeated Variable headers, when serialised, then the bytes match what Asterisk was sent', () => {
  const bytes = serializeAction(
    'Originate',
    { Channel: 'Local/230@from-internal', Variable: ['A=1', 'B=2'], Async: true },
    'o1',
  );
  assert.equal(
    bytes.toString(),
    'Action: Originate\r\nActionID: o1\r\nChannel: Local/230@from-internal\r\nVariable: A=1\r\nVariable: B=2\r\nAsync: true\r\n\r\n',
  );
});

test('given a serialised action, when parsed back, then the headers round-trip', () => {
  const bytes = serializeAction(
    'DBPut',
    [
      ['Family', 'SMARTASSISTANT'],
      ['Key', '230/label'],
      ['Val', 'Room: é✓'],
    ],
    'x',
  );
  const [frame] = new AmiFrameParser().push(bytes);
  assert.ok(frame?.kind === 'message');
  assert.deepEqual(frame.message.toRecord(), {
    Action: 'DBPut',
    ActionID: 'x',
    Family: 'SMARTASSISTANT',
    Key: '230/label',
    Val: 'Room: é✓',
  });
});

test('given a value with a line break, when serialised, then it is refused so no header can be injected', () => {
  assert.throws(
    () => serializeAction('DBPut', { Val: '1\r\nAction: Hangup' }),
    (e) => isAmiError(e, 'AMI_INVALID_HEADER'),
  );
  assert.throws(
    () => serializeAction('DBPut', { 'Bad:Name': '1' }),
    (e) => isAmiError(e, 'AMI_INVALID_HEADER'),
  );
});

test('given undefined optional fields, when serialised, then they are left out', () => {
  assert.equal(serializeAction('Ping', { Foo: undefined }).toString(), 'Action: Ping\r\n\r\n');
});

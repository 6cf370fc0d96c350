import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@sa/platform';
import { resultFields, toAmiAction } from './command-mapping.js';

test('given a dual Redirect command, when mapped, then the Extra* headers default to the main target', () => {
  const r = toAmiAction({
    redirect: { channel: 'A', extraChannel: 'B', context: 'c', exten: '100', priority: 1 },
  });
  assert.deepEqual(r.fields, [
    ['Channel', 'A'],
    ['Context', 'c'],
    ['Exten', '100'],
    ['Priority', '1'],
    ['ExtraChannel', 'B'],
    ['ExtraContext', 'c'],
    ['ExtraExten', '100'],
    ['ExtraPriority', '1'],
  ]);
});

test('given an Originate with variables, when mapped, then each variable is its own Variable header', () => {
  const r = toAmiAction({
    originate: {
      channel: 'Local/1@x',
      application: 'Wait',
      data: '1',
      variables: { A: '1', B: '2' },
      async: true,
    },
  });
  assert.deepEqual(
    r.fields.filter(([k]) => k === 'Variable'),
    [
      ['Variable', 'A=1'],
      ['Variable', 'B=2'],
    ],
  );
  assert.equal(r.action, 'Originate');
});

test('given a DBPut without key or no action at all, when mapped, then a typed error names the problem', () => {
  assert.throws(
    () => toAmiAction({ dbPut: { family: 'F' } }),
    (e) => e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_INVALID',
  );
  assert.throws(
    () => toAmiAction({}),
    (e) => e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_UNSUPPORTED',
  );
});

test('given a DBGet answer, when fields are extracted, then Val comes from the list event', () => {
  const f = resultFields(
    [
      ['Response', 'Success'],
      ['ActionID', 'x'],
      ['EventList', 'start'],
    ],
    [
      [
        ['Event', 'DBGetResponse'],
        ['Family', 'F'],
        ['Key', 'k'],
        ['Val', 'v'],
      ],
    ],
  );
  assert.deepEqual(f, { Family: 'F', Key: 'k', Val: 'v' });
});

test('given a DbShowKey command, when mapped, then it is the Command action `database showkey <key>` with its output parsed, and a key that is not a plain key path is refused', () => {
  const r = toAmiAction({ dbShowKey: { key: 'followme/ddial' } });
  assert.equal(r.action, 'Command');
  assert.deepEqual(r.fields, [['Command', 'database showkey followme/ddial']]);
  assert.equal(r.dbEntries, true);
  assert.equal(r.missingIsOk, false);
  for (const key of ['', 'ddial ; module unload', 'ddial\r\nAction: Originate', '%ddial', 'dd*al']) {
    assert.throws(
      () => toAmiAction({ dbShowKey: { key } }),
      (e) => e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_INVALID',
      JSON.stringify(key),
    );
  }
});

test('given a DbShow command, when mapped, then it is the Command action `database show <family>/<key>` and its output is parsed', () => {
  const r = toAmiAction({ dbShow: { family: 'AMPUSER', key: '230/followme' } });
  assert.equal(r.action, 'Command');
  assert.deepEqual(r.fields, [['Command', 'database show AMPUSER/230/followme']]);
  assert.equal(r.dbEntries, true);
  assert.throws(
    () => toAmiAction({ dbShow: { family: 'AMPUSER', key: '230 ; module unload' } }),
    (e) => e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_INVALID',
  );
});

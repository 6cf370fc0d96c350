import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@sa/platform';
import { databaseShowCommand, databaseShowKeyCommand, parseDatabaseShow } from './database-show.js';

const pad = (key: string, value: string) => `${key.padEnd(50)}: ${value.padEnd(25)}`;

test('given `database show` lines as IssabelPBX 2.12 printed them, when parsed, then keys and values lose their padding and the trailer is skipped', () => {
  // copied from /work/shared/reference/issabel-followme/b0-before-followme-mode.txt
  const lines = [
    '/AMPUSER/230/followme/changecid                   : default                  ',
    '/AMPUSER/230/followme/fixedcid                    :                          ',
    '/AMPUSER/230/followme/grplist                     : 99999#                   ',
    '7 results found.',
  ];
  assert.deepEqual(parseDatabaseShow(lines), [
    { key: '/AMPUSER/230/followme/changecid', value: 'default' },
    { key: '/AMPUSER/230/followme/fixedcid', value: '' },
    { key: '/AMPUSER/230/followme/grplist', value: '99999#' },
  ]);
});

test('given keys longer than the 50-column field, values with ": " and colons in keys, when parsed, then each splits at its own separator', () => {
  const long = `/registrar/contact/230;@sip:230@192.0.2.10:5060;transport=udp`;
  assert.deepEqual(
    parseDatabaseShow([
      `${long}: {"uri":"sip:230@192.0.2.10"}`,
      pad('/AMPUSER/230/cidname', 'Room: 4th floor'),
      pad('/registrar/x:y', 'v'),
      '/AMPUSER/230/noanswer                             :',
      '',
    ]),
    [
      { key: long, value: '{"uri":"sip:230@192.0.2.10"}' },
      { key: '/AMPUSER/230/cidname', value: 'Room: 4th floor' },
      { key: '/registrar/x:y', value: 'v' },
      { key: '/AMPUSER/230/noanswer', value: '' },
    ],
  );
});

test('given DbShow tokens, when turned into the CLI command, then plain names pass and anything else is refused', () => {
  assert.equal(databaseShowCommand('AMPUSER'), 'database show AMPUSER');
  assert.equal(databaseShowCommand('AMPUSER', '230/followme'), 'database show AMPUSER/230/followme');
  for (const [family, key] of [
    ['', ''],
    ['AMPUSER; core stop now', ''],
    ['AMPUSER', '230 followme'],
    ['AMPUSER', '230//followme'],
    ['AMPUSER', '/x'],
    ['AMPUSER', '230\ncore stop now'],
    ['AMPUSER', '"230"'],
    ['AMPUSER', 'a/b/c/d/e/f/g/h/i'],
  ] as const) {
    assert.throws(
      () => databaseShowCommand(family, key),
      (e) => e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_INVALID',
      `${JSON.stringify(family)} ${JSON.stringify(key)}`,
    );
  }
});

test('given DbShowKey keys, when turned into the CLI command, then a plain key or key path passes and anything else is refused', () => {
  assert.equal(databaseShowKeyCommand('cidname'), 'database showkey cidname');
  assert.equal(databaseShowKeyCommand('followme/ddial'), 'database showkey followme/ddial');
  for (const key of [
    '',
    undefined,
    null,
    'cidname; core stop now',
    'followme ddial',
    'followme//ddial',
    '/ddial',
    'ddial/',
    '%',
    'dd%al',
    'ddial\ncore stop now',
    '"ddial"',
    'a/b/c/d/e/f/g/h/i',
    'x'.repeat(81),
  ]) {
    assert.throws(
      () => databaseShowKeyCommand(key),
      (e) =>
        e instanceof AppError && e.code === 'AMI_BRIDGE_COMMAND_INVALID' && e.message.startsWith('DbShowKey'),
      JSON.stringify(key),
    );
  }
});

test('given `database showkey` output with entries of several families, when parsed, then every entry is returned as Asterisk printed it (the reader filters)', () => {
  // lines as in /work/shared/reference/issabel-followme/b7-gui-save.txt; `database showkey changecid`
  const lines = [
    '/AMPUSER/230/followme/changecid                   : default                  ',
    '/AMPUSER/231/followme/changecid                   : fixed                    ',
    '/RINGGROUP/600/changecid                          : default                  ',
    '3 results found.',
  ];
  assert.deepEqual(parseDatabaseShow(lines), [
    { key: '/AMPUSER/230/followme/changecid', value: 'default' },
    { key: '/AMPUSER/231/followme/changecid', value: 'fixed' },
    { key: '/RINGGROUP/600/changecid', value: 'default' },
  ]);
  assert.deepEqual(parseDatabaseShow(['0 results found.']), []);
});

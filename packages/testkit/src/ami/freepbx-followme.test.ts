import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmiTestServer } from './ami-test-server.js';
import { RawProbe } from './test-support.js';

// `asterisk -rx "database show AMPUSER/230/followme"` on IssabelPBX 2.12 / Asterisk 20
// (/work/shared/reference/issabel-followme/b0-before-followme-mode.txt), byte for byte.
const ISSABEL_B0 = [
  '/AMPUSER/230/followme/changecid                   : default                  ',
  '/AMPUSER/230/followme/ddial                       : DIRECT                   ',
  '/AMPUSER/230/followme/fixedcid                    :                          ',
  '/AMPUSER/230/followme/grpconf                     : DISABLED                 ',
  '/AMPUSER/230/followme/grplist                     : 99999#                   ',
  '/AMPUSER/230/followme/grptime                     : 20                       ',
  '/AMPUSER/230/followme/prering                     : 5                        ',
  '7 results found.',
];

async function command(server: AmiTestServer, cmd: string): Promise<string> {
  const probe = await RawProbe.open(server.port);
  probe.socket.write('Action: Login\r\nUsername: smartassistant\r\nSecret: amisecret\r\nEvents: off\r\n\r\n');
  await probe.until((m) => m.some((x) => x.get('Message') === 'Authentication accepted'));
  const start = probe.bytes.length;
  probe.socket.write(`Action: Command\r\nCommand: ${cmd}\r\nActionID: cmd-1\r\n\r\n`);
  await probe.until((m) => m.some((x) => x.actionId === 'cmd-1'));
  probe.socket.destroy();
  return probe.bytes.subarray(start).toString('utf8');
}

const followme = (server: AmiTestServer, ext: string) =>
  Object.fromEntries(
    [...server.db]
      .filter(([k]) => k.startsWith(`/AMPUSER/${ext}/followme/`))
      .map(([k, v]) => [k.slice(`/AMPUSER/${ext}/followme/`.length), v]),
  );

describe('AMI test server: AstDB CLI and the FreePBX Follow-Me hooks', () => {
  test('given the keys of a saved Issabel Follow Me, when `database show AMPUSER/230/followme` arrives as a Command action, then the answer is the recorded CLI output as Output headers', async () => {
    await using server = await AmiTestServer.start();
    server.followMePageSave('230', { grplist: '99999#', prering: 5 }, 'issabel2');
    server.dbPut('AMPUSER', '231/followme/ddial', 'DIRECT');
    server.dbPut('AMPUSER', '2300/cidname', 'not under 230');
    const expected = [
      'Response: Success',
      'ActionID: cmd-1',
      'Message: Command output follows',
      ...ISSABEL_B0.map((l) => `Output: ${l}`),
    ];
    assert.equal(
      await command(server, 'database show AMPUSER/230/followme'),
      `${expected.join('\r\n')}\r\n\r\n`,
    );
    assert.equal(
      await command(server, 'database show AMPUSER 230/followme'),
      `${expected.join('\r\n')}\r\n\r\n`,
    );
    const all = await command(server, 'database show AMPUSER');
    assert.ok(
      all.includes(`\r\nOutput: ${'/AMPUSER/2300/cidname'.padEnd(50)}: ${'not under 230'.padEnd(25)}\r\n`),
    );
    assert.match(all, /Output: 9 results found\.\r\n\r\n$/);
    assert.match(await command(server, 'core show nothing'), /Output: No such command 'core show nothing'/);
  });

  test('given extensions, a ring group and a saved Follow Me, when `database showkey <key>` arrives as a Command action, then every entry whose key ends in /<key> is listed in key order, across families, in the CLI format', async () => {
    await using server = await AmiTestServer.start();
    server.addFreePbxExtension('230', 'Desk 230');
    server.addFreePbxExtension('2300', 'Desk 2300');
    server.followMePageSave('230', { grplist: '99999#', prering: 5 }, 'issabel2');
    server.dbPut('RINGGROUP', '600/changecid', 'default');
    server.dbPut('AMPUSER', '231/followme/ddial', 'EXTENSION');
    const row = (key: string, value: string) => `Output: ${key.padEnd(50)}: ${value.padEnd(25)}`;
    const answer = (lines: string[]) =>
      `${['Response: Success', 'ActionID: cmd-1', 'Message: Command output follows', ...lines].join('\r\n')}\r\n\r\n`;

    assert.equal(
      await command(server, 'database showkey changecid'),
      answer([
        row('/AMPUSER/230/followme/changecid', 'default'),
        row('/RINGGROUP/600/changecid', 'default'),
        'Output: 2 results found.',
      ]),
    );
    assert.equal(
      await command(server, 'database showkey followme/ddial'),
      answer([
        row('/AMPUSER/230/followme/ddial', 'DIRECT'),
        row('/AMPUSER/231/followme/ddial', 'EXTENSION'),
        'Output: 2 results found.',
      ]),
    );
    assert.equal(
      await command(server, 'database showkey cidname'),
      answer([
        row('/AMPUSER/230/cidname', 'Desk 230'),
        row('/AMPUSER/2300/cidname', 'Desk 2300'),
        'Output: 2 results found.',
      ]),
    );
    // SQLite LIKE: ASCII case ignored, `_` any one character; only whole trailing segments match
    assert.match(await command(server, 'database showkey CIDNAME'), /Output: 2 results found\./);
    assert.match(await command(server, 'database showkey c_dname'), /Output: 2 results found\./);
    assert.match(await command(server, 'database showkey name'), /Output: 0 results found\./);
    assert.match(await command(server, 'database showkey'), /Output: Usage: database showkey <keytree>\r\n/);
    assert.deepEqual(
      server.commandAnswers.slice(0, 3).map((a) => a.command),
      ['database showkey changecid', 'database showkey followme/ddial', 'database showkey cidname'],
    );
    assert.equal(
      server.commandAnswers[2]?.bytes,
      Buffer.byteLength(
        answer([
          row('/AMPUSER/230/cidname', 'Desk 230'),
          row('/AMPUSER/2300/cidname', 'Desk 2300'),
          'Output: 2 results found.',
        ]),
      ),
    );
  });

  test('given router-style keys, when FreePBX 17 reloads with the GUI default strategy, then strategy and the SQL keys are rewritten and the list, times and on/off are kept', async () => {
    await using server = await AmiTestServer.start();
    for (const [k, v] of [
      ['ddial', 'DIRECT'],
      ['grplist', '100#'],
      ['grptime', '20'],
      ['prering', '0'],
      ['strategy', 'ringall'],
    ])
      server.dbPut('AMPUSER', `230/followme/${k}`, v as string);
    server.freepbxReload('230');
    assert.deepEqual(followme(server, '230'), {
      ddial: 'DIRECT',
      grplist: '100#',
      grptime: '20',
      prering: '0',
      strategy: 'ringallv2-prim',
      postdest: 'ext-local,230,dest',
      ringing: 'Ring',
      grppre: '',
      dring: '',
      rvolume: '',
      annmsg: '',
      remotealertmsg: '',
      toolatemsg: '',
    });
    server.freepbxReload('230', { strategy: 'ringall', postdest: 'app-blackhole,hangup,1' });
    assert.equal(server.dbGet('AMPUSER', '230/followme/strategy'), 'ringall');
    assert.equal(server.dbGet('AMPUSER', '230/followme/postdest'), 'app-blackhole,hangup,1');
  });

  test('given a Follow-Me tree with extra keys, when the page is saved, then the whole tree is replaced by the form (FreePBX 17: 16 keys, Issabel 2.x: 7)', async () => {
    await using server = await AmiTestServer.start();
    server.addFreePbxExtension('230', 'Desk 230');
    server.dbPut('AMPUSER', '230/followme/router-extra', 'x');
    server.followMePageSave('230', { grplist: '600#', strategy: 'ringallv2-prim', prering: 7 });
    const saved = followme(server, '230');
    assert.equal(Object.keys(saved).length, 16);
    assert.equal(saved['router-extra'], undefined);
    assert.deepEqual(
      [saved.grplist, saved.strategy, saved.prering, saved.ddial, saved.grpconf],
      ['600#', 'ringallv2-prim', '7', 'DIRECT', 'DISABLED'],
    );
    assert.equal(server.dbGet('AMPUSER', '230/cidname'), 'Desk 230');
    server.followMePageSave('230', { grplist: '100', ddial: 'EXTENSION' }, 'issabel2');
    assert.deepEqual(Object.keys(followme(server, '230')).sort(), [
      'changecid',
      'ddial',
      'fixedcid',
      'grpconf',
      'grplist',
      'grptime',
      'prering',
    ]);
  });
});

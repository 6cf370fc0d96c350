import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { AmiTestServer } from './ami-test-server.js';
import { RawProbe } from './test-support.js';

const LOGIN = 'Action: Login\r\nUsername: smartassistant\r\nSecret: amisecret\r\nActionID: l\r\n\r\n';

async function loggedIn(server: AmiTestServer, events = 'on'): Promise<RawProbe> {
  const p = await RawProbe.open(server.port);
  p.socket.write(LOGIN.replace('ActionID: l', `ActionID: l\r\nEvents: ${events}`));
  await p.until((m) => m.some((x) => x.actionId === 'l'));
  return p;
}

describe('AMI test server hooks and faults', () => {
  test('given refuseLogin, when a correct login arrives, then it fails and the socket closes', async () => {
    await using server = await AmiTestServer.start();
    server.refuseLogin = true;
    const p = await RawProbe.open(server.port);
    p.socket.write(LOGIN);
    await p.closed;
    assert.match(p.bytes.toString(), /Message: Authentication failed/);
  });

  test('given an MD5 challenge, when the key is md5(challenge+secret), then login succeeds', async () => {
    await using server = await AmiTestServer.start();
    const p = await RawProbe.open(server.port);
    p.socket.write('Action: Challenge\r\nAuthType: MD5\r\nActionID: c\r\n\r\n');
    await p.until((m) => m.some((x) => x.get('Challenge') !== undefined));
    const challenge = p.messages.find((x) => x.actionId === 'c')?.get('Challenge') ?? '';
    const key = createHash('md5').update(`${challenge}amisecret`).digest('hex');
    p.socket.write(
      `Action: Login\r\nAuthType: MD5\r\nUsername: smartassistant\r\nKey: ${key}\r\nActionID: l\r\n\r\n`,
    );
    await p.until((m) => m.some((x) => x.actionId === 'l'));
    assert.equal(p.messages.find((x) => x.actionId === 'l')?.get('Message'), 'Authentication accepted');
    p.socket.destroy();
  });

  test('given an event mask of call, when a user and a call event are emitted, then only the call event arrives', async () => {
    await using server = await AmiTestServer.start();
    const p = await loggedIn(server, 'call');
    server.emitEvent({ Event: 'UserEvent', Privilege: 'user,all', UserEvent: 'X' });
    server.emitEvent({ Event: 'Newchannel', Privilege: 'call,all', Channel: 'PJSIP/1-1' });
    await p.until((m) => m.some((x) => x.event === 'Newchannel'));
    assert.equal(p.messages.filter((x) => x.event === 'UserEvent').length, 0);
    p.socket.destroy();
  });

  test('given a pending waitForAction, when the action arrives later, then it resolves with that action', async () => {
    await using server = await AmiTestServer.start();
    const p = await loggedIn(server);
    const waiting = server.waitForAction((m) => m.get('Action') === 'DBPut' && m.get('Key') === '230/target');
    p.socket.write(
      'Action: DBPut\r\nFamily: SMARTASSISTANT\r\nKey: 230/target\r\nVal: 100\r\nActionID: d\r\n\r\n',
    );
    assert.equal((await waiting).get('Val'), '100');
    assert.equal(server.dbGet('SMARTASSISTANT', '230/target'), '100');
    p.socket.destroy();
  });

  test('given split writes at chosen byte offsets, when a response is sent, then the client still reads it whole', async () => {
    await using server = await AmiTestServer.start();
    server.split = { at: [1, 2, 3, 10, 20] };
    const p = await loggedIn(server, 'off');
    p.socket.write('Action: Ping\r\nActionID: p\r\n\r\n');
    await p.until((m) => m.some((x) => x.actionId === 'p'));
    assert.ok(p.chunks.length > 3, `received ${p.chunks.length} chunks`);
    p.socket.destroy();
  });

  test('given a stalled server, when an action is sent, then nothing comes back until resume', async () => {
    await using server = await AmiTestServer.start();
    const p = await loggedIn(server, 'off');
    server.stall();
    p.socket.write('Action: Ping\r\nActionID: s1\r\n\r\n');
    await server.waitFor(() => (server.stalledBytes > 0 ? true : undefined), 2000, 'stalled bytes');
    server.resume();
    p.socket.write('Action: Ping\r\nActionID: s2\r\n\r\n');
    await p.until((m) => m.some((x) => x.actionId === 's2'));
    assert.equal(p.messages.filter((x) => x.actionId === 's1').length, 0);
    p.socket.destroy();
  });

  test('given connected clients, when dropConnections and restart run, then sockets close and the same port accepts again', async () => {
    await using server = await AmiTestServer.start();
    const port = server.port;
    const p = await loggedIn(server);
    server.sendRaw('\x00\xffgarbage\r\n\r\n');
    await p.until((_m, b) => b.includes('garbage'));
    await server.restart(50);
    await p.closed;
    assert.equal(server.port, port);
    const again = await RawProbe.open(port);
    await again.until((_m, b) => b.toString().startsWith('Asterisk Call Manager/11.0.0\r\n'));
    again.socket.destroy();
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmiTestServer } from './ami-test-server.js';
import { maskVariable } from './mask.js';
import { RawProbe, rawMessages, readConnections, splitActions } from './test-support.js';

/** Replays one recorded connection: sends every action at once and waits for the server to close. */
async function replay(server: AmiTestServer, client: Buffer): Promise<Buffer> {
  const probe = await RawProbe.open(server.port);
  await probe.until((_m, bytes) => bytes.includes('\r\n'));
  probe.socket.write(client);
  await probe.closed;
  return probe.bytes;
}

describe('AMI test server replays the recordings byte for byte', () => {
  for (const name of ['01-login', '02-db']) {
    test(`given ${name}.client.bin, when replayed, then the server sends ${name}.server.bin (variable values masked)`, async () => {
      await using server = await AmiTestServer.start();
      for (const { client, server: expected } of readConnections(name)) {
        const actual = await replay(server, client);
        assert.equal(maskVariable(actual.toString('utf8')), maskVariable(expected.toString('utf8')));
      }
    });
  }

  test('given a watcher session, when another session fails to log in, then the watcher sees the recorded InvalidPassword', async () => {
    await using server = await AmiTestServer.start();
    const [watcherRec] = readConnections('01-login-watcher');
    const [, badLogin] = readConnections('01-login');
    assert.ok(watcherRec && badLogin);
    const [login, logoff] = splitActions(watcherRec.client);
    const watcher = await RawProbe.open(server.port);
    watcher.socket.write(login as Buffer);
    await watcher.until((m) => m.some((x) => x.event === 'SuccessfulAuth'));
    assert.equal(
      maskVariable((await replay(server, badLogin.client)).toString()),
      maskVariable(badLogin.server.toString()),
    );
    await watcher.until((m) => m.some((x) => x.event === 'InvalidPassword'));
    watcher.socket.write(logoff as Buffer);
    await watcher.closed;
    assert.equal(maskVariable(watcher.bytes.toString()), maskVariable(watcherRec.server.toString()));
  });

  test('given 05-errors.client.bin, when replayed, then every response matches the recording (call events excluded)', async () => {
    await using server = await AmiTestServer.start({ localChannelSeq: 5 });
    const [rec] = readConnections('05-errors');
    assert.ok(rec);
    const notCallEvent = (m: string): boolean => !/^Privilege: (call|dialplan),/m.test(m);
    const actual = rawMessages(await replay(server, rec.client))
      .filter(notCallEvent)
      .map(maskVariable);
    const expected = rawMessages(rec.server).filter(notCallEvent).map(maskVariable);
    assert.deepEqual(actual, expected);
  });

  const callFixtures: [string, number][] = [
    ['03-originate-redirect', 0],
    ['04-list-ping-events-logoff', 3],
    ['07-db-routing', 9],
    ['08-local-optimization', 12],
  ];
  const supported =
    /^(login|logoff|ping|events|dbput|dbget|dbdel|dbdeltree|originate|redirect|hangup|setvar|getvar|userevent)$/i;
  for (const [name, seq] of callFixtures) {
    test(`given ${name}.client.bin, when replayed, then the responses to every supported action match the recording`, async () => {
      await using server = await AmiTestServer.start({ localChannelSeq: seq });
      const [rec] = readConnections(name);
      assert.ok(rec);
      const actions = splitActions(rec.client).map((a) => ({
        action: /^Action: (.*)$/m.exec(a.toString())?.[1] ?? '',
        id: /^ActionID: (.*)\r$/m.exec(a.toString())?.[1] ?? '',
      }));
      const responses = (bytes: Buffer): Map<string, string> => {
        const out = new Map<string, string>();
        for (const m of rawMessages(bytes)) {
          const id = /^ActionID: (.*)\r$/m.exec(m)?.[1];
          if (/^Response: /.test(m) && id !== undefined && !out.has(id)) out.set(id, maskVariable(m));
        }
        return out;
      };
      const actual = responses(await replay(server, rec.client));
      const expected = responses(rec.server);
      let compared = 0;
      for (const { action, id } of actions) {
        if (!supported.test(action)) continue;
        assert.equal(actual.get(id), expected.get(id), `response to ${action} ${id}`);
        compared++;
      }
      assert.ok(compared >= 3, `compared ${compared} responses`);
    });
  }
});

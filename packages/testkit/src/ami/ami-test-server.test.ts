import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { AmiTestServer } from './ami-test-server.js';
import { maskVariable } from './mask.js';
import { fixturePath, RawProbe, rawMessages, readConnections, splitActions } from './test-support.js';

/** Replays one recorded connection: sends every action at once and waits for the server to close. */
async function replay(server: AmiTestServer, client: Buffer): Promise<Buffer> {
  const probe = await RawProbe.open(server.port);
  await probe.until((_m, bytes) => bytes.includes('\r\n'));
  probe.socket.write(client);
  await probe.closed;
  return probe.bytes;
}

/** The first Local channel sequence number the recording uses (Asterisk numbers them per process). */
function firstLocalSeq(server: Buffer): number {
  const m = /-([0-9a-f]{8});[12]/.exec(server.toString('utf8'));
  return m ? Number.parseInt(m[1] as string, 16) : 0;
}

/** Compares message by message so a failure names the first differing message. */
function assertSameBytes(actual: Buffer, expected: Buffer): void {
  const a = rawMessages(actual).map(maskVariable);
  const e = rawMessages(expected).map(maskVariable);
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    assert.equal(a[i], e[i], `message ${i} of ${e.length} differs`);
  }
  assert.equal(maskVariable(actual.toString('utf8')), maskVariable(expected.toString('utf8')));
}

const watcherFixture = '01-login-watcher';
const singleConnection = [
  '02-db',
  '03-originate-redirect',
  '04-list-ping-events-logoff',
  '05-errors',
  '06-fastagi-ami',
  '07-db-routing',
  '08-local-optimization',
];

describe('AMI test server replays the recordings byte for byte', () => {
  test('given the fixture folder, then every AMI transcript (not the FastAGI ones) has a replay test here', () => {
    const dir = dirname(fixturePath('README.md'));
    const ami = readdirSync(dir)
      .filter((f) => f.endsWith('.server.bin'))
      .filter((f) => readFileSync(`${dir}/${f}`).toString('latin1').startsWith('Asterisk Call Manager/'))
      .map((f) => f.replace('.server.bin', ''))
      .sort();
    assert.deepEqual(ami, ['01-login', watcherFixture, ...singleConnection].sort());
  });

  test('given 01-login.client.bin (four connections), when replayed, then the server sends 01-login.server.bin', async () => {
    await using server = await AmiTestServer.start();
    for (const { client, server: expected } of readConnections('01-login')) {
      assertSameBytes(await replay(server, client), expected);
    }
  });

  test('given a watcher session, when another session fails to log in, then the watcher sees 01-login-watcher.server.bin', async () => {
    await using server = await AmiTestServer.start();
    const [watcherRec] = readConnections(watcherFixture);
    const [, badLogin] = readConnections('01-login');
    assert.ok(watcherRec && badLogin);
    const [login, logoff] = splitActions(watcherRec.client);
    const watcher = await RawProbe.open(server.port);
    watcher.socket.write(login as Buffer);
    await watcher.until((m) => m.some((x) => x.event === 'SuccessfulAuth'));
    assertSameBytes(await replay(server, badLogin.client), badLogin.server);
    await watcher.until((m) => m.some((x) => x.event === 'InvalidPassword'));
    watcher.socket.write(logoff as Buffer);
    await watcher.closed;
    assertSameBytes(watcher.bytes, watcherRec.server);
  });

  test('given 03 replayed once, when the same conversation runs again on that server, then it gets fresh Local channel numbers and otherwise the recorded bytes', async () => {
    const [rec] = readConnections('03-originate-redirect');
    assert.ok(rec);
    await using server = await AmiTestServer.start();
    assertSameBytes(await replay(server, rec.client), rec.server);
    const used = new Set(rec.server.toString().match(/-[0-9a-f]{8}(?=;[12])/g)).size - 1; // not -deadbeef
    const shift = (b: Buffer): Buffer =>
      Buffer.from(
        b
          .toString('utf8')
          .replace(/-([0-9a-f]{8})(?=;[12])/g, (all, seq: string) =>
            seq === 'deadbeef' ? all : `-${(Number.parseInt(seq, 16) + used).toString(16).padStart(8, '0')}`,
          ),
      );
    const second = await replay(server, shift(rec.client));
    assert.match(second.toString(), /Local\/230@from-internal-00000003;1/);
    assertSameBytes(second, shift(rec.server));
  });

  test('given an action no recording covers, when it arrives, then the generic handlers answer it', async () => {
    await using server = await AmiTestServer.start();
    const probe = await RawProbe.open(server.port);
    probe.socket.write(
      'Action: Login\r\nUsername: smartassistant\r\nSecret: amisecret\r\n\r\n' +
        'Action: Originate\r\nChannel: Local/4711@from-internal\r\nContext: from-internal\r\nExten: 4712\r\n' +
        'Priority: 1\r\nAsync: true\r\nActionID: o-1\r\n\r\n',
    );
    await probe.until((m) => m.some((x) => x.event === 'OriginateResponse'));
    assert.ok(server.channels.has('Local/4711@from-internal-00000000;1'));
    probe.socket.write('Action: CoreShowChannels\r\nActionID: csc\r\n\r\n');
    await probe.until((m) => m.some((x) => x.event === 'CoreShowChannelsComplete'));
    const listed = probe.messages.filter((x) => x.event === 'CoreShowChannel').map((x) => x.get('Channel'));
    assert.deepEqual(listed, ['Local/4711@from-internal-00000000;1', 'Local/4711@from-internal-00000000;2']);
    probe.socket.destroy();
  });

  for (const name of singleConnection) {
    test(`given ${name}.client.bin, when replayed, then the server sends ${name}.server.bin (only variable values masked)`, async () => {
      const [rec] = readConnections(name);
      assert.ok(rec);
      await using server = await AmiTestServer.start({ localChannelSeq: firstLocalSeq(rec.server) });
      assertSameBytes(await replay(server, rec.client), rec.server);
    });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { AmiResync, type AmiStatusAnswer, type ResyncablePartition } from './ami-resync.js';

function rig() {
  const resyncs: number[] = [];
  let sessions = 0;
  const ami = new AmiResync({
    sync: { amiSessionBegan: () => void sessions++ },
    logger: createLogger('router-test', 'silent'),
  });
  const partition = (n: number): ResyncablePartition => ({
    partition: n,
    resync: async () => {
      resyncs.push(n);
      return 1;
    },
  });
  return { ami, resyncs, partition, sessions: () => sessions };
}

const login = (session: number, bridgeId = 'b1') => ({ bridgeId, session });

test('given ami-bridge logged in before router, when the start-up handshake finds it connected, then every ready partition resyncs once', async () => {
  const { ami, resyncs, partition, sessions } = rig();
  ami.partitionReady(partition(0));
  ami.partitionReady(partition(1));
  await ami.handshake(async () => ({ outcome: 'connected', id: login(1), banner: 'Asterisk' }));
  assert.deepEqual([resyncs, sessions(), ami.link], [[0, 1], 1, 'connected']);
});

test('given the AmiConnected event and the status reply of one login, when both arrive, then users are resynced once', async () => {
  const { ami, resyncs, partition, sessions } = rig();
  ami.partitionReady(partition(0));
  ami.connected(login(1), 'connected');
  await ami.handshake(async () => ({ outcome: 'connected', id: login(1), banner: 'Asterisk' }));
  ami.connected(login(1), 'start');
  assert.deepEqual([resyncs, sessions()], [[0], 1]);
});

test('given a resynced login, when ami-bridge logs in again or restarts (new bridge id, session 1), then it resyncs each time', () => {
  const { ami, resyncs, partition } = rig();
  ami.partitionReady(partition(0));
  ami.connected(login(1), 'connected');
  ami.disconnected(login(1));
  ami.connected(login(2), 'connected');
  ami.connected(login(1, 'b2'), 'connected');
  assert.deepEqual(resyncs, [0, 0, 0]);
});

test('given a status reply older than the login an event already announced, when it arrives late, then nothing happens', () => {
  const { ami, resyncs, partition } = rig();
  ami.partitionReady(partition(0));
  ami.connected(login(2), 'connected');
  ami.connected(login(1), 'start');
  assert.deepEqual(resyncs, [0]);
});

test('given an AmiConnected without a bridge id (older ami-bridge), when it repeats, then every one resyncs', () => {
  const { ami, resyncs, partition } = rig();
  ami.partitionReady(partition(0));
  ami.connected(login(0, ''), 'connected');
  ami.connected(login(0, ''), 'connected');
  assert.deepEqual(resyncs, [0, 0]);
});

for (const outcome of ['no-responders', 'not-connected'] as const) {
  test(`given the handshake answer ${outcome}, when it arrives, then nothing is resynced until AmiConnected`, async () => {
    const { ami, resyncs, partition } = rig();
    ami.partitionReady(partition(0));
    await ami.handshake(async () => ({ outcome }));
    assert.deepEqual([resyncs, ami.link], [[], 'unknown']);
    ami.connected(login(1), 'connected');
    assert.deepEqual(resyncs, [0]);
  });
}

test('given status requests that time out, when retried, then the handshake gives up after its attempts and an answer on a retry counts', async () => {
  const { ami, resyncs, partition } = rig();
  ami.partitionReady(partition(0));
  const answers: AmiStatusAnswer[] = [
    { outcome: 'timeout', err: new Error('timeout') },
    { outcome: 'failed', err: new Error('disconnected') },
    { outcome: 'connected', id: login(4), banner: '' },
  ];
  let asked = 0;
  await ami.handshake(async () => answers[asked++] as AmiStatusAnswer);
  assert.deepEqual([asked, resyncs], [3, [0]]);

  const other = rig();
  let tries = 0;
  await other.ami.handshake(async () => {
    tries++;
    return { outcome: 'timeout', err: new Error('timeout') };
  });
  assert.deepEqual([tries, other.ami.link], [3, 'unknown']);
});

test('given AMI is up, when a partition finishes its start-up work later (take-over), then it resyncs; while AMI is down it does not', () => {
  const { ami, resyncs, partition } = rig();
  ami.connected(login(1), 'connected');
  ami.partitionReady(partition(3));
  ami.disconnected(login(1));
  ami.partitionReady(partition(4));
  assert.deepEqual(resyncs, [3]);
});

test('given a partition still starting up or given up, when AMI logs in, then only ready partitions resync', () => {
  const { ami, resyncs, partition } = rig();
  const gone = partition(1);
  ami.partitionReady(partition(0));
  ami.partitionReady(gone);
  ami.partitionGone(gone);
  ami.connected(login(1), 'connected');
  assert.deepEqual(resyncs, [0]);
});

test('given a late AmiDisconnected of another (stopping) ami-bridge, when it arrives, then the link stays connected', () => {
  const { ami } = rig();
  ami.connected(login(1, 'new'), 'connected');
  ami.disconnected(login(7, 'old'));
  assert.equal(ami.link, 'connected');
  ami.disconnected(login(1, 'new'));
  assert.equal(ami.link, 'disconnected');
});

test('given router knew AMI as disconnected and missed an AmiConnected while its bus was down, when the bus reconnects, then the new login is resynced once', async () => {
  const { ami, resyncs, partition } = rig();
  ami.partitionReady(partition(0));
  ami.partitionReady(partition(1));
  ami.connected(login(1), 'connected');
  ami.disconnected(login(1));
  const before = resyncs.length;
  await ami.afterBusReconnect(async () => ({ outcome: 'connected', id: login(2), banner: 'Asterisk' }));
  assert.equal(resyncs.length - before, 2, 'both ready partitions resynced for login 2');
  await ami.afterBusReconnect(async () => ({ outcome: 'connected', id: login(2), banner: 'Asterisk' }));
  assert.equal(resyncs.length - before, 2, 'the same login is not resynced twice');
});

// NATS_REPLICAS on a real local 3-node cluster: the services' streams and buckets are created with
// three replicas, raised in place from one, and keep working when a node is SIGKILLed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  BusReplicasError,
  connectNats,
  createLogger,
  ensurePhoneStream,
  type NatsClient,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  openUsersBucket,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { type NatsCluster, startNatsCluster } from './nats-cluster.js';
import { waitFor } from './wait.js';

const silent = createLogger('test', 'silent');
const enc = new TextEncoder();
const dec = new TextDecoder();

describe('NATS_REPLICAS on a 3-node cluster', () => {
  let cluster: NatsCluster;
  let client: NatsClient;

  before(async () => {
    cluster = await startNatsCluster({ nodes: 3 });
    client = await connectNats(cluster.natsUrl, 'replicas-test', silent);
  });
  after(async () => {
    await client?.close().catch(() => {});
    await cluster?.stop();
  });

  /** Every stream and bucket a service opens, for one bus prefix, with `replicas`. */
  async function openAll(prefix: string, replicas: number) {
    const names = busNames(prefix);
    const bus = { replicas, logger: silent };
    const jsm = await ensurePhoneStream(client.nc, names, bus);
    const snapshots = await openSnapshotBuckets(client.nc, names, bus);
    const deviceKeys = await openDeviceKeysBucket(client.nc, names, bus);
    const radius = await openRadiusClientsBucket(client.nc, names, bus);
    const users = await openUsersBucket(client.nc, names, bus);
    const streams = [
      names.phoneStream,
      ...[names.devicesBucket, names.keysBucket, names.deviceKeysBucket, names.radiusClientsBucket].map(
        (b) => `KV_${b}`,
      ),
    ];
    return { names, jsm, streams, buckets: { ...snapshots, deviceKeys, radius, users } };
  }

  async function replicasOf(jsm: Awaited<ReturnType<typeof openAll>>['jsm'], stream: string) {
    const info = await jsm.streams.info(stream);
    return { configured: info.config.num_replicas, peers: 1 + (info.cluster?.replicas?.length ?? 0) };
  }

  test('given NATS_REPLICAS=3, when every stream and bucket is opened, then each is created with 3 replicas on 3 servers', async () => {
    const { jsm, streams } = await openAll(`t_r3${randomBytes(3).toString('hex')}`, 3);
    for (const stream of streams)
      assert.deepEqual(await replicasOf(jsm, stream), { configured: 3, peers: 3 }, stream);
  });

  test('given a stream and buckets created with 1 replica and holding data, when opened with NATS_REPLICAS=3, then they are raised in place and keep every message and value', async () => {
    const prefix = `t_up${randomBytes(3).toString('hex')}`;
    const r1 = await openAll(prefix, 1);
    const js = r1.jsm.jetstream();
    for (let i = 0; i < 50; i++)
      await js.publish(`${r1.names.phoneAll.replace('>', 'presence')}.${i}`, enc.encode(`m${i}`));
    await r1.buckets.devices.put('dev1', enc.encode('device one'));
    await r1.buckets.users.put('201', enc.encode('user 201'));
    for (const stream of r1.streams) assert.equal((await replicasOf(r1.jsm, stream)).configured, 1, stream);

    const r3 = await openAll(prefix, 3);
    for (const stream of r3.streams) assert.equal((await replicasOf(r3.jsm, stream)).configured, 3, stream);
    // the new peers catch up from the leader: every replica current, the messages all there
    await waitFor(
      async () => {
        const info = await r3.jsm.streams.info(r3.names.phoneStream);
        return info.cluster?.replicas?.length === 2 && info.cluster.replicas.every((r) => r.current);
      },
      { timeoutMs: 10_000, what: 'the phone stream replicas to catch up' },
    );
    assert.equal((await r3.jsm.streams.info(r3.names.phoneStream)).state.messages, 50);
    assert.equal(dec.decode((await r3.buckets.devices.get('dev1'))!.value), 'device one');
    assert.equal(dec.decode((await r3.buckets.users.get('201'))!.value), 'user 201');

    const again = await openAll(prefix, 1);
    for (const stream of again.streams)
      assert.equal((await replicasOf(again.jsm, stream)).configured, 3, `${stream} is never lowered`);
  });

  test('given NATS_REPLICAS=5 on 3 servers, when the stream is opened, then a BusReplicasError names NATS_REPLICAS', async () => {
    const names = busNames(`t_r5${randomBytes(3).toString('hex')}`);
    await assert.rejects(ensurePhoneStream(client.nc, names, { replicas: 5 }), (err: unknown) => {
      assert.ok(err instanceof BusReplicasError, String(err));
      assert.equal(err.code, 'PLATFORM_BUS_REPLICAS');
      assert.match(err.message, /NATS_REPLICAS=5/);
      return true;
    });
  });

  test('given R3 streams and buckets, when the node the client is connected to is SIGKILLed, then KV reads and writes and stream publish and consume keep working', async () => {
    const { names, jsm, buckets } = await openAll(`t_kill${randomBytes(3).toString('hex')}`, 3);
    const js = jsm.jetstream();
    const subject = names.phoneAll.replace('>', 'presence.k');
    await jsm.consumers.add(names.phoneStream, { durable_name: 'survivor', ack_policy: 'explicit' });
    await buckets.devices.put('before', enc.encode('1'));
    await js.publish(subject, enc.encode('before'));

    const connectedTo = cluster.nodes.findIndex((n) => n.url.endsWith(`:${client.nc.info?.port}`));
    assert.ok(connectedTo >= 0, 'the client is connected to one of the nodes');
    await cluster.kill(connectedTo);

    // leaders on the dead node are re-elected within seconds; until then requests may time out
    const retry = <T>(what: string, fn: () => Promise<T>) =>
      waitFor(async () => ({ value: await fn() }), { timeoutMs: 20_000, intervalMs: 200, what }).then(
        (r) => r.value,
      );
    await retry('a KV write', () => buckets.devices.put('after', enc.encode('2')));
    assert.equal(dec.decode((await retry('a KV read', () => buckets.devices.get('before')))!.value), '1');
    assert.equal(dec.decode((await buckets.devices.get('after'))!.value), '2');
    await retry('a stream publish', () => js.publish(subject, enc.encode('after')));
    assert.notEqual(client.nc.info?.port, cluster.nodes[connectedTo]!.clientPort, 'moved to another node');

    // the consumer has its own leader, elected on its own schedule
    const consumer = await retry('the consumer', () => js.consumers.get(names.phoneStream, 'survivor'));
    const got: string[] = [];
    await waitFor(
      async () => {
        const batch = await consumer.fetch({ max_messages: 10, expires: 1000 });
        for await (const m of batch) {
          got.push(dec.decode(m.data));
          m.ack();
        }
        return got.length >= 2;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'both messages consumed' },
    );
    assert.deepEqual(got, ['before', 'after']);
  });
});

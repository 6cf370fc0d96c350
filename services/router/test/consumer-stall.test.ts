// A partition's durable consumer whose raft leader dies delivers nothing until its peers elect a new
// one (NATS 2.9: seconds, long after the stream stores again). The consumer then reads the stream
// directly (stall-reader.ts): events stored meanwhile are handled before the durable has a leader
// again. Real 3-node NATS cluster; the consumer's leader is on another node than the stream's, and
// that node is SIGKILLed.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger, ensurePhoneStream } from '@sa/platform';
import { busNames } from '@sa/proto';
import { type NatsCluster, startNatsCluster, waitFor } from '@sa/testkit';
import { PhonePartitionConsumer } from '../src/adapters/nats/phone-consumer.js';
import { OFFICE_AP, publishPresence, SOLE_PARTITION } from './harness.js';

const names = busNames('stall');
const DURABLE = 'router_phone_p0_of_1';
const OPTIONS = SOLE_PARTITION;
let cluster: NatsCluster;
let nc: NatsConnection;

before(async () => {
  cluster = await startNatsCluster({ nodes: 3 });
  nc = await connect({ servers: [...cluster.urls] });
  await ensurePhoneStream(nc, names, { replicas: 3, logger: createLogger('test', 'silent') });
});
after(async () => {
  await nc?.close();
  await cluster?.stop();
});

test("given a partition consumer whose leader is on another node than the stream's, when that node is SIGKILLed, then events stored afterwards are handled before the consumer has a leader again", async () => {
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const handled = new Map<string, number>();
  const consumer = new PhonePartitionConsumer(
    nc,
    names,
    OPTIONS,
    async (batch) => {
      for (const ext of batch.keys()) handled.set(ext, Date.now());
      return 'ok';
    },
    createLogger('router', 'info', logs),
  );
  await consumer.start();
  const report = (extension: string) =>
    publishPresence(nc, names, {
      extension,
      deviceId: `d${extension}`,
      counter: 1,
      bssid: OFFICE_AP,
      msgId: `m${extension}`,
    });
  await report('100');
  await waitFor(() => handled.has('100'), { what: 'the first event through the durable' });

  // short timeouts: a consumer without a leader does not answer its info request
  const jsm = await jetstreamManager(nc, { timeout: 400 });
  const leaders = async () => ({
    stream: (await jsm.streams.info(names.phoneStream)).cluster?.leader,
    consumer: (await jsm.consumers.info(names.phoneStream, DURABLE)).cluster?.leader,
    // the meta leader creates consumers: with it alive, reading directly needs no election at all
    meta: (
      (await (await fetch(`http://127.0.0.1:${cluster.nodes[0]!.monitorPort}/jsz`)).json()) as {
        meta_cluster?: { leader?: string };
      }
    ).meta_cluster?.leader,
  });
  await waitFor(
    async () => {
      const now = await leaders();
      if (now.stream && now.consumer && now.consumer !== now.stream && now.consumer !== now.meta) return true;
      await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${names.phoneStream}.${DURABLE}`, undefined, {
        timeout: 2000,
      });
      return false;
    },
    {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: "the consumer's leader on another node than the stream's and the meta leader",
    },
  );
  const victim = (await leaders()).consumer!;
  await cluster.kill(cluster.nodes.findIndex((n) => n.name === victim));
  // from the kill on: when does the consumer have a leader again?
  const consumerBack = waitFor(
    async () => {
      const info = await jsm.consumers.info(names.phoneStream, DURABLE).catch(() => null);
      return info?.cluster?.leader && info.cluster.leader !== victim ? Date.now() : null;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: 'the consumer to have a leader again' },
  );

  // the stream's leader lives: the report is stored at once (after the client moved, if it must)
  await waitFor(
    async () => {
      await report('200');
      return true;
    },
    { timeoutMs: 10_000, what: 'the report stored' },
  );
  const storedAt = Date.now();
  await waitFor(() => handled.has('200'), { timeoutMs: 10_000, what: 'the stored report handled' });
  const handledAt = handled.get('200')!;
  const consumerBackAt = await consumerBack;
  const bridged = lines.some((l) => l.includes('"phone_consumer_bridge"'));
  // without reading directly it waits for the consumer's election (2-5 s on NATS 2.9) and a pull
  assert.ok(
    handledAt - storedAt < 2000,
    `handled ${handledAt - storedAt} ms after it was stored (read directly: ${bridged}; the consumer had a leader again ${consumerBackAt - storedAt} ms after)`,
  );
  await consumer.stop();
});

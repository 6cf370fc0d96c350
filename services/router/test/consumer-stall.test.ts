// A partition's durable consumer whose raft leader dies delivers nothing until its peers elect a new
// one (NATS 2.9: seconds, long after the stream stores again). The consumer then reads the stream
// directly (stall-reader.ts): events stored meanwhile are handled before the durable has a leader
// again. Real 3-node NATS cluster; the consumer's leader is on neither the stream's nor the meta
// leader's node, and that node is SIGKILLed: with the router connected to another node, and with
// the router connected to that very node (it reconnects elsewhere; the client then waits for the
// consumer to answer before it watches heartbeats again, which failed a CI run).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger, ensurePhoneStream } from '@sa/platform';
import { type BusNames, busNames } from '@sa/proto';
import { type NatsCluster, startNatsCluster, waitFor } from '@sa/testkit';
import {
  type BatchHandler,
  type PhoneConsumerOptions,
  PhonePartitionConsumer,
} from '../src/adapters/nats/phone-consumer.js';
import { NATS_URL, OFFICE_AP, publishPresence, SOLE_PARTITION } from './harness.js';

const names = busNames('stall');
const DURABLE = 'router_phone_p0_of_1';
const open: { close(): Promise<void> }[] = [];
let cluster: NatsCluster | undefined;

afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close().catch(() => {});
  await cluster?.stop();
});

/** A partition consumer on `nc` whose log lines are kept; stopped after the test. */
async function startConsumer(
  nc: NatsConnection,
  busNamesOf: BusNames,
  options: PhoneConsumerOptions,
  handle: BatchHandler,
): Promise<{ bridged: () => number }> {
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const consumer = new PhonePartitionConsumer(
    nc,
    busNamesOf,
    options,
    handle,
    createLogger('router', 'info', logs),
  );
  open.push({ close: () => consumer.stop() });
  await consumer.start();
  return { bridged: () => lines.filter((l) => l.includes('"phone_consumer_bridge"')).length };
}

/** Publishes a report of one device of `extension` (counter 1, office). */
const reportOn = (nc: NatsConnection, busNamesOf: BusNames) => (extension: string) =>
  publishPresence(nc, busNamesOf, {
    extension,
    deviceId: `d${extension}`,
    counter: 1,
    bssid: OFFICE_AP,
    msgId: `m${extension}`,
  });

/** Runs the partition consumer on a connection to `routerOn`, kills the consumer's leader, and measures. */
async function stallAndMeasure(routerOnVictim: boolean) {
  cluster = await startNatsCluster({ nodes: 3 });
  const c = cluster;
  const meta = await c.metaLeader();
  const others = c.nodes.filter((n) => n.name !== meta);
  // the victim is never the meta leader: with it alive, reading directly needs no election at all
  const victim = others[0]!;
  const routerNode = routerOnVictim ? victim : others[1]!;
  const admin = await connect({ servers: [...c.urls] });
  const routerNc: NatsConnection = await connect({
    servers: [routerNode.url, ...c.urls.filter((u) => u !== routerNode.url)],
    noRandomize: true,
  });
  open.push(admin, routerNc);
  await ensurePhoneStream(admin, names, { replicas: 3, logger: createLogger('test', 'silent') });

  const handled = new Map<string, number>();
  const consumer = await startConsumer(routerNc, names, SOLE_PARTITION, async (batch) => {
    for (const ext of batch.keys()) handled.set(ext, Date.now());
    return 'ok';
  });
  const report = reportOn(admin, names);
  await report('100');
  await waitFor(() => handled.has('100'), { what: 'the first event through the durable' });

  // short timeouts: a consumer without a leader does not answer its info request
  const jsm = await jetstreamManager(admin, { timeout: 400 });
  const leaders = async () => ({
    stream: (await jsm.streams.info(names.phoneStream)).cluster?.leader,
    consumer: (await jsm.consumers.info(names.phoneStream, DURABLE)).cluster?.leader,
  });
  await waitFor(
    async () => {
      const now = await leaders();
      if (now.stream === victim.name)
        await admin.request(`$JS.API.STREAM.LEADER.STEPDOWN.${names.phoneStream}`, undefined, {
          timeout: 2000,
        });
      else if (now.consumer !== victim.name)
        await admin.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${names.phoneStream}.${DURABLE}`, undefined, {
          timeout: 2000,
        });
      else return (await c.metaLeader()) !== victim.name;
      return false;
    },
    {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: `the consumer's leader on ${victim.name}, the stream's and the meta leader elsewhere`,
    },
  );
  await c.kill(c.nodes.findIndex((n) => n.name === victim.name));
  // from the kill on: when does the consumer have a leader again?
  const consumerBack = waitFor(
    async () => {
      const info = await jsm.consumers.info(names.phoneStream, DURABLE).catch(() => null);
      return info?.cluster?.leader && info.cluster.leader !== victim.name ? Date.now() : null;
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
  return {
    afterStoredMs: handled.get('200')! - storedAt,
    consumerBackMs: (await consumerBack) - storedAt,
    readDirectly: consumer.bridged() > 0,
  };
}

// without reading directly it waits for the consumer's election (2-5 s on NATS 2.9) and a pull
for (const [where, onVictim] of [
  ['another node', false],
  ['that node', true],
] as const) {
  test(`given a partition consumer whose leader is on another node than the stream's, with the router connected to ${where}, when that node is SIGKILLed, then events stored afterwards are handled before the consumer has a leader again`, async () => {
    const r = await stallAndMeasure(onVictim);
    assert.ok(
      r.afterStoredMs < 2000,
      `handled ${r.afterStoredMs} ms after it was stored (read directly: ${r.readDirectly}; the consumer had a leader again ${r.consumerBackMs} ms after)`,
    );
  });
}

test('given a partition handling what it received for over a second, or an event loop blocked for as long, when the durable is silent meanwhile, then the stream is not read beside it', async () => {
  const nc = await connect({ servers: NATS_URL });
  const busyNames = busNames(`busy_${process.pid}`);
  open.push({
    close: async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(busyNames.phoneStream).catch(() => {});
      await nc.close();
    },
  });
  await ensurePhoneStream(nc, busyNames, { replicas: 1, logger: createLogger('test', 'silent') });
  const handled: string[] = [];
  const consumer = await startConsumer(
    nc,
    busyNames,
    // one unacknowledged message at a time: the durable sends nothing while the first is committed
    { ...SOLE_PARTITION, maxAckPending: 1, batchMax: 1, pullMax: 1 },
    async (batch) => {
      handled.push(...batch.keys());
      if (batch.has('300')) await new Promise((r) => setTimeout(r, 2500)); // a slow commit
      return 'ok';
    },
  );
  const report = reportOn(nc, busyNames);
  await report('300');
  await report('301');
  await waitFor(() => handled.length > 0, { what: 'the slow batch to start' });
  await waitFor(() => handled.length === 2, { timeoutMs: 10_000, what: 'the second event' });
  const blockUntil = Date.now() + 1500;
  while (Date.now() < blockUntil); // the event loop blocked: no heartbeat can be read meanwhile
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(handled, ['300', '301'], 'every event handled once');
  assert.equal(
    consumer.bridged(),
    0,
    'the stream was read directly while the partition was busy or its loop blocked',
  );
});

// A partition's new owner gets what the dead owner had received but not acknowledged, at once and
// before anything newer, and its cumulative acks never acknowledge those events unseen (the chaos
// test lost moves at router takeovers that way). Real NATS; the owners are PhonePartitionConsumers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger, deleteBusStreams, ensurePhoneStream } from '@sa/platform';
import { busNames } from '@sa/proto';
import { PhonePartitionConsumer } from '../src/adapters/nats/phone-consumer.js';
import { NATS_URL, OFFICE_AP, publishPresence, SOLE_PARTITION, waitFor } from './harness.js';

const names = busNames(`takeover${randomBytes(4).toString('hex')}`);
const logger = createLogger('partition-takeover-test', 'silent');
const OPTIONS = SOLE_PARTITION;
let admin: NatsConnection;

const report = (extension: string, counter: number) =>
  publishPresence(admin, names, {
    extension,
    deviceId: `dev-${extension}`,
    counter,
    bssid: OFFICE_AP,
    msgId: `dev-${extension}:${counter}`,
  });

before(async () => {
  admin = await connect({ servers: NATS_URL });
  await ensurePhoneStream(admin, names);
});
after(async () => {
  await deleteBusStreams(admin, names);
  await admin.close();
});

test('given an owner that received events and died before acknowledging them, when another owner takes the partition and newer events arrive, then it handles the old ones first and the stream ends fully acknowledged', async () => {
  for (const ext of ['201', '202', '203']) await report(ext, 1);
  const first = await connect({ servers: NATS_URL });
  // never commits: it dies holding what it received
  const dying = new PhonePartitionConsumer(first, names, OPTIONS, () => new Promise<'ok'>(() => {}), logger);
  await dying.start();
  const jsm = await jetstream(admin).jetstreamManager();
  const consumer = () => jsm.consumers.info(names.phoneStream, 'router_phone_p0_of_1');
  await waitFor(
    async () => (await consumer()).num_ack_pending === 3,
    'the first owner to receive the three events',
  );
  await first.close(); // as a SIGKILL: no ack, no stop

  for (const ext of ['204', '205']) await report(ext, 1);
  const second = await connect({ servers: NATS_URL });
  const seen: string[] = [];
  const owner = new PhonePartitionConsumer(
    second,
    names,
    OPTIONS,
    async (batch) => {
      seen.push(...batch.keys());
      return 'ok';
    },
    logger,
  );
  try {
    await owner.start();
    await waitFor(() => seen.length >= 5, 'the new owner to handle all five events', 10_000);
    assert.deepEqual(
      seen.slice(0, 5),
      ['201', '202', '203', '204', '205'],
      'in stream order, the old ones first',
    );
    await waitFor(async () => {
      const info = await consumer();
      return info.ack_floor.stream_seq === 5 && info.num_ack_pending === 0 && info.num_pending === 0;
    }, 'every event acknowledged');
  } finally {
    await owner.stop();
    await second.close();
  }
});

test('given the same router restarting its partition under the same lease (after a Redis failover), when it resumes and the durable delivers a newer event before the replay brings the older, then the durable is kept, nothing is acknowledged until the older are handled, and then everything is', async () => {
  const durable = 'router_phone_p0_of_1';
  const jsm = await jetstream(admin).jetstreamManager();
  const consumer = () => jsm.consumers.info(names.phoneStream, durable);
  const floor = (await consumer()).ack_floor.stream_seq;
  for (const ext of ['211', '212']) await report(ext, 1);
  const first = await connect({ servers: NATS_URL });
  const stuck = new PhonePartitionConsumer(first, names, OPTIONS, () => new Promise<'ok'>(() => {}), logger);
  await stuck.start();
  await waitFor(
    async () => (await consumer()).num_ack_pending === 2,
    'the two events received, unacknowledged',
  );
  const created = (await consumer()).created;
  await first.close();
  // stored before the restart: the kept durable delivers it at once, the replay only after its
  // ordered consumer exists (CI once saw it in that order, and acknowledged nothing at all)
  await report('213', 1);

  const second = await connect({ servers: NATS_URL });
  const seen: string[] = [];
  let openGate = () => {};
  let replayFirst = false;
  const gate = new Promise<void>((r) => {
    openGate = r;
  });
  const resumed = new PhonePartitionConsumer(
    second,
    names,
    { ...OPTIONS, resume: true, batchMax: 1 },
    async (batch) => {
      if (batch.has('211')) {
        replayFirst ||= !seen.includes('213');
        await gate;
      }
      seen.push(...batch.keys());
      return 'ok';
    },
    logger,
  );
  try {
    await resumed.start();
    // ack_wait is a minute: only reading them directly brings 211 and 212 now
    await waitFor(() => seen.includes('213') || replayFirst, '213 handled', 10_000);
    // the order this test is about; the other one would wait here for the gate
    assert.equal(replayFirst, false, 'the kept durable delivered 213 before the replay brought 211');
    await new Promise((r) => setTimeout(r, 300)); // several ack delays
    const held = await consumer();
    assert.ok(
      held.ack_floor.stream_seq <= floor && held.num_ack_pending === 3,
      `no ack while 211 and 212 are unhandled (AckAll of 213 would acknowledge them unseen): ack floor ${held.ack_floor.stream_seq}, ${held.num_ack_pending} pending`,
    );
    openGate();
    await waitFor(() => ['211', '212'].every((e) => seen.includes(e)), '211 and 212 handled', 10_000);
    assert.equal((await consumer()).created, created, 'the same durable, not created again');
    await waitFor(async () => {
      const info = await consumer();
      return info.ack_floor.stream_seq === floor + 3 && info.num_ack_pending === 0;
    }, 'every event acknowledged');
  } finally {
    openGate();
    await resumed.stop();
    await second.close();
  }
});

test('given a partition durable created at a takeover that acknowledged nothing since (a quiet stream), when the partition is taken over again or resumed, then what it was created after is not read again', async () => {
  const durable = 'router_phone_p0_of_1';
  const jsm = await jetstream(admin).jetstreamManager();
  const run = async (resume: boolean, publish: () => Promise<unknown>) => {
    const nc = await connect({ servers: NATS_URL });
    const seen: string[] = [];
    const handle = async (batch: Map<string, unknown>) => {
      seen.push(...batch.keys());
      return 'ok' as const;
    };
    const owner = new PhonePartitionConsumer(nc, names, { ...OPTIONS, resume }, handle, logger);
    try {
      await owner.start();
      await publish();
      await waitFor(async () => {
        const info = await jsm.consumers.info(names.phoneStream, durable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      }, 'everything handled and acknowledged');
      await new Promise((r) => setTimeout(r, 200)); // a replay beside the durable would go on
    } finally {
      await owner.stop();
      await nc.close();
    }
    return seen;
  };
  await run(false, () => report('220', 1)); // older events, handled and acknowledged
  // a new owner creates the durable after the ack floor and, the stream quiet, acknowledges nothing
  assert.deepEqual(await run(false, async () => {}), []);
  assert.equal((await jsm.consumers.info(names.phoneStream, durable)).ack_floor.stream_seq, 0);
  assert.deepEqual(await run(false, () => report('221', 1)), ['221'], 'taken over: only the new event');
  await run(false, async () => {});
  assert.deepEqual(await run(true, () => report('222', 1)), ['222'], 'resumed: only the new event');
});

// The shipped NATS authorization (deploy/nats/smartassistant-auth.conf) against a real nats-server started
// with the shipped configuration: nobody gets in without credentials, each service's user can do what that
// service does on the bus (the @sa/platform set-up calls, its publishes, subscriptions and requests), and the
// key material (KV sa_keys, sa_device_keys, sa.v1.admin.keys.changed) and the RADIUS shared secrets (KV
// sa_radius_clients) are written by admin only and read by ingest (and admin) only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  BusNotCreatedError,
  ensurePhoneStream,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  openUsersBucket,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { type BusUser, type ShippedNats, startShippedNats } from './shipped-nats.js';

const names = busNames('sa');
const denied = /permissions violation/i;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** The server refuses `attempt` with a permissions violation (a timeout or any other error fails). */
async function refused(what: string, attempt: () => Promise<unknown>, ms = 3000): Promise<void> {
  const outcome = await Promise.race([
    attempt().then(
      () => 'allowed',
      (err: unknown) =>
        denied.test(String(err)) || denied.test(String((err as Error).cause)) ? 'denied' : `${err}`,
    ),
    new Promise<string>((resolve) => setTimeout(resolve, ms, 'timeout')),
  ]);
  assert.equal(outcome, 'denied', what);
}

/** A subscription the server refuses: it ends with a permission error and never delivers a message. */
async function subscribeRefused(nc: NatsConnection, subject: string): Promise<void> {
  const sub = nc.subscribe(subject);
  let received = 0;
  const loop = (async () => {
    for await (const _ of sub) received++;
  })();
  const closed = await Promise.race([
    sub.closed,
    new Promise<string>((resolve) => setTimeout(resolve, 3000, 'still open')),
  ]);
  await loop.catch(() => {});
  assert.match(String(closed), denied, `subscribe ${subject}`);
  assert.equal(received, 0, `messages on ${subject}`);
}

describe('deploy/nats: the shipped bus users and permissions', () => {
  let nats: ShippedNats;
  const conns = new Map<BusUser, NatsConnection>();
  const as = (user: BusUser) => conns.get(user) as NatsConnection;

  before(async () => {
    nats = await startShippedNats();
    for (const user of ['admin', 'ingest', 'router', 'ami-bridge', 'set-secret'] as const)
      conns.set(user, await nats.connectAs(user));
  });
  after(async () => {
    for (const nc of conns.values()) await nc.close();
    await nats?.stop();
  });

  it('given no credentials or a wrong password, when a client connects, then the server refuses it', async () => {
    await assert.rejects(connect({ servers: nats.url, timeout: 3000 }), /authoriz/i);
    await assert.rejects(
      connect({ servers: nats.url, user: 'router', pass: 'not-the-password', timeout: 3000 }),
      /authoriz/i,
    );
    await assert.rejects(
      connect({ servers: nats.url, user: 'nobody', pass: nats.passwords.admin, timeout: 3000 }),
      /authoriz/i,
    );
  });

  it('given router before ingest created the phone stream, when router sets up, then it may not create it, waits for it, and gives up naming ingest', async () => {
    await assert.rejects(
      ensurePhoneStream(as('router'), names, { createWaitMs: 1200 }),
      (err: unknown) =>
        err instanceof BusNotCreatedError &&
        err.code === 'PLATFORM_BUS_NOT_CREATED' &&
        /stream SA_PHONE does not exist .* start ingest/.test(err.message),
    );
  });

  it('given admin, when it opens its buckets and writes the snapshots and key material, then all of it succeeds', async () => {
    const admin = as('admin');
    const buckets = await openSnapshotBuckets(admin, names);
    const deviceKeys = await openDeviceKeysBucket(admin, names);
    const radiusClients = await openRadiusClientsBucket(admin, names);
    await radiusClients.put('clients', bytes('radius-secrets'));
    assert.equal(text((await radiusClients.get('clients'))?.value ?? new Uint8Array()), 'radius-secrets');
    await buckets.keys.put('ring', bytes('ring-with-secrets'));
    await deviceKeys.put('dev-1', bytes('device-key-secret'));
    await buckets.devices.put('dev-1', bytes('device'));
    await buckets.users.put('100', bytes('user-config'));
    assert.equal(text((await buckets.keys.get('ring'))?.value ?? new Uint8Array()), 'ring-with-secrets');
    admin.publish(names.keyRingChanged, bytes('ring-with-secrets'));
    for (const subject of [names.deviceChanged, names.userConfigChanged, names.destinationChanged])
      admin.publish(subject, bytes('event'));
    await admin.flush();
  });

  it('given ingest, when it sets up as the service does, then it creates the phone stream, reads and watches the key material and devices, publishes reports and asks admin', async () => {
    const ingest = as('ingest');
    await ensurePhoneStream(ingest, names);
    const buckets = await openSnapshotBuckets(ingest, names);
    const deviceKeys = await openDeviceKeysBucket(ingest, names);
    const radiusClients = await openRadiusClientsBucket(ingest, names);
    assert.equal(text((await buckets.keys.get('ring'))?.value ?? new Uint8Array()), 'ring-with-secrets');
    assert.equal(text((await radiusClients.get('clients'))?.value ?? new Uint8Array()), 'radius-secrets');
    assert.equal(text((await deviceKeys.get('dev-1'))?.value ?? new Uint8Array()), 'device-key-secret');
    for (const [bucket, key, want] of [
      [buckets.keys, 'ring', 'ring-with-secrets'],
      [deviceKeys, 'dev-1', 'device-key-secret'],
      [buckets.devices, 'dev-1', 'device'],
      [radiusClients, 'clients', 'radius-secrets'],
    ] as const) {
      const watch = await bucket.watch({ key });
      for await (const e of watch) {
        assert.equal(text(e.value), want);
        break;
      }
      watch.stop();
    }
    assert.equal((await buckets.devices.status()).values, 1);
    const ack = await jetstream(ingest).publish(names.presence('100'), bytes('presence'));
    assert.equal(ack.stream, names.phoneStream);

    // request/reply both ways with admin (PhoneTargets to admin, ReplayReset from admin)
    const admin = as('admin');
    const targets = admin.subscribe(names.phoneTargets, {
      queue: 'admin',
      callback: (_e, m) => void m.respond(bytes('targets')),
    });
    const own = admin.subscribe(names.phoneOwnData, {
      queue: 'admin',
      callback: (_e, m) => void m.respond(bytes('own')),
    });
    const reset = ingest.subscribe(names.replayReset, {
      queue: 'ingest',
      callback: (_e, m) => void m.respond(bytes('reset')),
    });
    await admin.flush();
    await ingest.flush();
    assert.equal(
      text((await ingest.request(names.phoneTargets, bytes('q'), { timeout: 3000 })).data),
      'targets',
    );
    assert.equal(text((await ingest.request(names.phoneOwnData, bytes('q'), { timeout: 3000 })).data), 'own');
    assert.equal(text((await admin.request(names.replayReset, bytes('q'), { timeout: 3000 })).data), 'reset');
    own.unsubscribe();
    targets.unsubscribe();
    reset.unsubscribe();
  });

  it('given ingest and router, when ingest sends an unstored copy of a phone event, then router receives it; no other service may send or read one', async () => {
    const router = as('router');
    const copies = router.subscribe(names.unstoredAll, { max: 1 });
    await router.flush();
    const subject = names.unstored(names.presence('100'));
    as('ingest').publish(subject, bytes('copy'));
    const received = await Promise.race([
      (async () => {
        for await (const m of copies) return `${m.subject} ${text(m.data)}`;
      })(),
      new Promise<string>((resolve) => setTimeout(resolve, 3000, 'nothing')),
    ]);
    assert.equal(received, `${subject} copy`);
    for (const user of ['admin', 'ami-bridge', 'set-secret'] as const)
      await refused(`${user} sends an unstored copy`, () => as(user).request(subject, bytes('forged')));
    for (const user of ['admin', 'ami-bridge', 'ingest'] as const)
      await subscribeRefused(as(user), names.unstoredAll);
  });

  it('given ingest, when it tries to write the key ring, device keys or snapshots or to publish admin events, then the server refuses', async () => {
    const ingest = as('ingest');
    const kvm = new Kvm(ingest);
    await refused('put key ring', async () =>
      (await kvm.open(names.keysBucket)).put('ring', bytes('forged')),
    );
    await refused('put device key', async () =>
      (await kvm.open(names.deviceKeysBucket)).put('dev-1', bytes('forged')),
    );
    await refused('put RADIUS clients', async () =>
      (await kvm.open(names.radiusClientsBucket)).put('clients', bytes('forged')),
    );
    await refused('put device', async () =>
      (await kvm.open(names.devicesBucket)).put('dev-2', bytes('forged')),
    );
    await refused('read users', async () => (await kvm.open(names.usersBucket)).get('100'));
    await refused('publish KeyRingChanged', () => ingest.request(names.keyRingChanged, bytes('forged')));
    await refused('create a bucket', () => kvm.create('sa_other'));
  });

  it("given router's partition durable, when ingest reads the phone stream's consumers (router's acknowledged floors), then it may; creating or deleting one is refused", async () => {
    const rjsm = await ensurePhoneStream(as('router'), names);
    await rjsm.consumers.add(names.phoneStream, {
      durable_name: 'router_p0_of_1',
      ack_policy: AckPolicy.All,
    });
    const ingest = await jetstream(as('ingest')).jetstreamManager(false);
    const listed: string[] = [];
    for await (const c of ingest.consumers.list(names.phoneStream)) listed.push(c.name);
    assert.ok(listed.includes('router_p0_of_1'), listed.join());
    await refused('delete router durable', () =>
      ingest.consumers.delete(names.phoneStream, 'router_p0_of_1'),
    );
    await refused('create a consumer', () =>
      ingest.consumers.add(names.phoneStream, { durable_name: 'x', ack_policy: AckPolicy.All }),
    );
    await rjsm.consumers.delete(names.phoneStream, 'router_p0_of_1');
  });

  it('given router, when it sets up as the service does, then it binds the phone stream, consumes it with a durable consumer, watches the users bucket and talks to ami-bridge', async () => {
    const router = as('router');
    const jsm = await ensurePhoneStream(router, names);
    const users = await openUsersBucket(router, names);
    assert.equal(text((await users.get('100'))?.value ?? new Uint8Array()), 'user-config');
    const watch = await users.watch();
    for await (const e of watch) {
      assert.equal(e.key, '100');
      break;
    }
    watch.stop();
    // the phone consumer's calls: info, add, update, get, consume, ack
    await jsm.consumers.add(names.phoneStream, { durable_name: 'router-p0', ack_policy: AckPolicy.All });
    await jsm.consumers.info(names.phoneStream, 'router-p0');
    await jsm.consumers.update(names.phoneStream, 'router-p0', { max_ack_pending: 100 });
    const consumer = await jetstream(router).consumers.get(names.phoneStream, 'router-p0');
    const m = await consumer.next({ expires: 3000 });
    assert.equal(m?.subject, names.presence('100'));
    await m?.ackAck();
    // a new owner of the partition: the first message after the ack floor, then the durable again
    const floor = (await jsm.consumers.info(names.phoneStream, 'router-p0')).ack_floor.stream_seq;
    assert.equal(
      (await jsm.streams.getMessage(names.phoneStream, { seq: floor }))?.subject,
      names.presence('100'),
    );
    await jsm.consumers.delete(names.phoneStream, 'router-p0');
    await jsm.consumers.add(names.phoneStream, {
      durable_name: 'router-p0',
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: floor,
    });
    // a durable without a leader: the stream read directly by an ordered consumer
    const ordered = await jetstream(router).consumers.get(names.phoneStream, { opt_start_seq: floor });
    assert.equal((await ordered.next({ expires: 3000 }))?.subject, names.presence('100'));
    await ordered.delete().catch(() => {});

    // ami-bridge answers router's commands and status queries; router answers CallArrived
    const bridge = as('ami-bridge');
    bridge.subscribe(names.amiCommand, {
      queue: 'ami-bridge',
      callback: (_e, msg) => void msg.respond(bytes('done')),
    });
    bridge.subscribe(names.amiStatus, {
      queue: 'ami-bridge',
      callback: (_e, msg) => void msg.respond(bytes('up')),
    });
    router.subscribe(names.callArrived, {
      queue: 'router',
      callback: (_e, msg) => void msg.respond(bytes('route')),
    });
    const lifecycle = router.subscribe(names.callLifecycleAll, { max: 1 });
    const connected = router.subscribe(names.amiConnected, { max: 1 });
    await bridge.flush();
    await router.flush();
    assert.equal(text((await router.request(names.amiCommand, bytes('c'), { timeout: 3000 })).data), 'done');
    assert.equal(text((await router.request(names.amiStatus, bytes('s'), { timeout: 3000 })).data), 'up');
    assert.equal(
      text((await bridge.request(names.callArrived, bytes('a'), { timeout: 3000 })).data),
      'route',
    );
    bridge.publish(names.callLifecycle('100'), bytes('answered'));
    bridge.publish(names.amiConnected, bytes('connected'));
    for (const sub of [lifecycle, connected]) for await (const _ of sub) break;

    // router's own events reach admin's presence board
    const board = as('admin').subscribe(names.scenarioChangedAll, { max: 1 });
    await as('admin').flush();
    router.publish(names.scenarioChanged('100'), bytes('scenario'));
    for await (const msg of board) assert.equal(text(msg.data), 'scenario');

    // each routed call reaches admin's call history; admin asks router for a user's current routing
    const calls = as('admin').subscribe(names.callRoutedAll, { queue: 'admin', max: 1 });
    await as('admin').flush();
    router.publish(names.callRouted('100'), bytes('call'));
    for await (const msg of calls) assert.equal(text(msg.data), 'call');
    const decisions = router.subscribe(names.decisionQuery, {
      queue: 'router',
      callback: (_e, msg) => void msg.respond(bytes('decision')),
    });
    await router.flush();
    assert.equal(
      text((await as('admin').request(names.decisionQuery, bytes('q'), { timeout: 3000 })).data),
      'decision',
    );
    // the self-service page's scenario choice goes into the phone stream as a phone's does
    const choiceAck = await jetstream(as('admin')).publish(names.choice('100'), bytes('choice'));
    assert.equal(choiceAck.stream, names.phoneStream);
    await refused('admin publishes a presence report', () =>
      as('admin').request(names.presence('100'), bytes('x'), { timeout: 2000 }),
    );
    await refused('ingest asks router for a decision', () =>
      as('ingest').request(names.decisionQuery, bytes('q'), { timeout: 2000 }),
    );
    decisions.unsubscribe();

    // ingest's DevicesSeen (phones answered without the bus) reaches the board too
    const seen = as('admin').subscribe(names.devicesSeen, { max: 1 });
    await as('admin').flush();
    as('ingest').publish(names.devicesSeen, bytes('seen'));
    for await (const msg of seen) assert.equal(text(msg.data), 'seen');
  });

  it('given router, when it tries to read key material or RADIUS secrets in any way, then every attempt is refused', async () => {
    const router = as('router');
    const kvm = new Kvm(router);
    for (const bucket of [names.keysBucket, names.deviceKeysBucket, names.radiusClientsBucket]) {
      await refused(`open ${bucket} as the services do`, () => kvm.create(bucket));
      await refused(`get from ${bucket}`, async () => (await kvm.open(bucket)).get('ring'));
      await refused(`get dev-1 from ${bucket}`, async () => (await kvm.open(bucket)).get('dev-1'));
      await refused(`watch ${bucket}`, async () => {
        const w = await (await kvm.open(bucket)).watch();
        for await (const _ of w) return;
      });
      await refused(`status of ${bucket}`, async () => (await kvm.open(bucket)).status());
      const stream = `KV_${bucket}`;
      for (const api of [
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.$KV.${bucket}.ring`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.spy.$KV.${bucket}.>`,
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.UPDATE.${stream}`,
        `$JS.API.STREAM.SNAPSHOT.${stream}`,
      ])
        await refused(api, () => router.request(api, bytes('{}'), { timeout: 2000 }));
      await subscribeRefused(router, `$KV.${bucket}.>`);
    }
    await subscribeRefused(router, names.keyRingChanged);
    await subscribeRefused(router, '_INBOX.>');
    await subscribeRefused(router, '_INBOX.ingest.>');
    await subscribeRefused(router, '>');
    // a stream of its own catching the key ring's subjects, or mirroring a bucket
    await refused('create a stream', () =>
      jetstreamManager(router).then((jsm) =>
        jsm.streams.add({ name: 'SPY', subjects: [`$KV.${names.keysBucket}.>`] }),
      ),
    );
    await refused('update the users bucket to mirror the keys', () =>
      router.request(`$JS.API.STREAM.UPDATE.KV_${names.usersBucket}`, bytes('{}'), { timeout: 2000 }),
    );
  });

  it('given router and ami-bridge, when they ask for setSecret or phoneTargets or publish admin events, then the server refuses', async () => {
    for (const user of ['router', 'ami-bridge', 'ingest'] as const) {
      const nc = as(user);
      await refused(`${user} setSecret`, () =>
        nc.request(names.setSecret, bytes('NEWKEY'), { timeout: 2000 }),
      );
      await refused(`${user} keyRingChanged`, () =>
        nc.request(names.keyRingChanged, bytes('x'), { timeout: 2000 }),
      );
      await refused(`${user} deviceChanged`, () =>
        nc.request(names.deviceChanged, bytes('x'), { timeout: 2000 }),
      );
    }
    for (const user of ['router', 'ami-bridge'] as const) {
      await refused(`${user} phoneTargets`, () =>
        as(user).request(names.phoneTargets, bytes('x'), { timeout: 2000 }),
      );
      await refused(`${user} phoneOwnData`, () =>
        as(user).request(names.phoneOwnData, bytes('x'), { timeout: 2000 }),
      );
    }
    await refused('router publishes a phone report', () =>
      as('router').request(names.presence('100'), bytes('x')),
    );
    await refused('ami-bridge uses JetStream', () => jetstreamManager(as('ami-bridge')));
    for (const user of ['ami-bridge', 'set-secret'] as const)
      await subscribeRefused(as(user), `$KV.${names.radiusClientsBucket}.>`);
  });

  it('given the set-secret user (smart-set-secret), when it asks admin for a new key, then admin answers; anything else is refused', async () => {
    const admin = as('admin');
    const cli = as('set-secret');
    const sub = admin.subscribe(names.setSecret, {
      queue: 'admin',
      callback: (_e, m) => void m.respond(bytes('ok')),
    });
    await admin.flush();
    assert.equal(text((await cli.request(names.setSecret, bytes('NEWKEY'), { timeout: 3000 })).data), 'ok');
    sub.unsubscribe();
    await refused('set-secret phoneTargets', () =>
      cli.request(names.phoneTargets, bytes('x'), { timeout: 2000 }),
    );
    await refused('set-secret JetStream', () => jetstreamManager(cli));
    await subscribeRefused(cli, names.keyRingChanged);
  });
});

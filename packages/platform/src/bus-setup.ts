// The JetStream stream and KV buckets shared by services. Every service calls these idempotent
// helpers with the same settings, so whichever starts first creates them. On a bus with permissions
// (deploy/nats/smartassistant-auth.conf) only their owner may create them (admin the buckets, ingest the
// phone stream): the others wait, up to CREATE_WAIT_MS, for it to do so.
// Each is created with `replicas` (NATS_REPLICAS) and raised to it in place when found with fewer
// (bus-replicas.ts); never lowered, so a service started with the default cannot shrink a cluster's.
import { type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@sa/proto';
import { type BusOptions, isPermissionViolation, raiseReplicas, withReplicasError } from './bus-replicas.js';
import { BusNotCreatedError } from './errors.js';

export type { BusOptions } from './bus-replicas.js';

export interface PhoneStreamOptions extends BusOptions {
  /** How long presence stays replayable (a router down this long loses nothing). */
  readonly maxAgeMs?: number;
}

const NS_PER_MS = 1_000_000;

/** How long a service that may not create a stream or bucket waits for its owner to create it. */
export const CREATE_WAIT_MS = 120_000;

/**
 * Runs `open` (bind, creating when missing). When this bus user may not create the missing stream, polls
 * (every 500 ms, with the stream-info call it may make, so the server logs one refusal only) until the owner
 * has created it, then runs `open` again; other errors, and still missing after `waitMs`, are thrown.
 */
async function openOrAwaitOwner<T>(
  nc: NatsConnection,
  stream: string,
  owner: string,
  open: () => Promise<T>,
  waitMs: number,
): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (!isPermissionViolation(err)) throw err;
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const exists = await jsm.streams.info(stream).then(
        () => true,
        (e: unknown) => {
          if (e instanceof Error && /stream not found/i.test(e.message)) return false;
          throw e;
        },
      );
      if (exists) return open();
      if (Date.now() >= deadline) throw new BusNotCreatedError(stream, owner, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function ensurePhoneStream(
  nc: NatsConnection,
  names: BusNames,
  options: PhoneStreamOptions = {},
): Promise<JetStreamManager> {
  const jsm = await openOrAwaitOwner(
    nc,
    names.phoneStream,
    'ingest',
    () => withReplicasError(names.phoneStream, options, () => bindOrCreatePhoneStream(nc, names, options)),
    options.createWaitMs ?? CREATE_WAIT_MS,
  );
  await raiseReplicas(jsm, names.phoneStream, options);
  return jsm;
}

async function bindOrCreatePhoneStream(
  nc: NatsConnection,
  names: BusNames,
  options: PhoneStreamOptions,
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: names.phoneStream,
    subjects: [names.phoneAll],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: (options.maxAgeMs ?? 24 * 3600_000) * NS_PER_MS,
    duplicate_window: 120_000 * NS_PER_MS,
    num_replicas: options.replicas ?? 1,
  };
  try {
    await jsm.streams.info(names.phoneStream);
  } catch {
    try {
      await jsm.streams.add(config);
    } catch (err) {
      // another instance created it between our info and add
      await jsm.streams.info(names.phoneStream).catch(() => {
        throw err;
      });
    }
  }
  return jsm;
}

export interface SnapshotBuckets {
  readonly devices: KV;
  readonly keys: KV;
  readonly users: KV;
}

/** Opens (creating if needed) the KV buckets admin writes and ingest/router read. */
export async function openSnapshotBuckets(
  nc: NatsConnection,
  names: BusNames,
  options: BusOptions = {},
): Promise<SnapshotBuckets> {
  const open = (name: string) => openBucket(nc, name, options);
  const [devices, keys, users] = await Promise.all([
    open(names.devicesBucket),
    open(names.keysBucket),
    open(names.usersBucket),
  ]);
  return { devices, keys, users };
}

/**
 * Opens (creating if needed) the per-device keys bucket (DeviceKeys by device id). Secrets: only
 * admin (writes) and ingest (reads) open it, so it is not among the snapshot buckets every service opens.
 */
export async function openDeviceKeysBucket(
  nc: NatsConnection,
  names: BusNames,
  options: BusOptions = {},
): Promise<KV> {
  return openBucket(nc, names.deviceKeysBucket, options);
}

/**
 * Opens (creating if needed) the RADIUS accounting clients bucket (AccountingClients under key
 * "clients"). Secrets: only admin (writes) and ingest (reads) open it.
 */
export async function openRadiusClientsBucket(
  nc: NatsConnection,
  names: BusNames,
  options: BusOptions = {},
): Promise<KV> {
  return openBucket(nc, names.radiusClientsBucket, options);
}

/** Opens (creating if needed) the users bucket alone: router may read no other bucket. */
export async function openUsersBucket(
  nc: NatsConnection,
  names: BusNames,
  options: BusOptions = {},
): Promise<KV> {
  return openBucket(nc, names.usersBucket, options);
}

/** Binds to a KV bucket, creating it when missing; a user that may not create buckets waits for admin. */
async function openBucket(nc: NatsConnection, name: string, options: BusOptions): Promise<KV> {
  const stream = `KV_${name}`;
  const replicas = options.replicas ?? 1;
  const kv = await openOrAwaitOwner(
    nc,
    stream,
    'admin',
    () => withReplicasError(stream, options, () => new Kvm(nc).create(name, { history: 1, replicas })),
    options.createWaitMs ?? CREATE_WAIT_MS,
  );
  await raiseReplicas(await jetstreamManager(nc), stream, options);
  return kv;
}

/**
 * Deletes the phone stream and the snapshot buckets of one bus prefix, whatever exists of them
 * (test and benchmark tear-down; never called by a service).
 */
export async function deleteBusStreams(nc: NatsConnection, names: BusNames): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const stream of [
    names.phoneStream,
    ...[
      names.devicesBucket,
      names.keysBucket,
      names.deviceKeysBucket,
      names.usersBucket,
      names.radiusClientsBucket,
    ].map((b) => `KV_${b}`),
  ])
    await jsm.streams.delete(stream).catch(() => {});
}

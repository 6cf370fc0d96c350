// The JetStream stream and KV buckets shared by services. Every service calls these idempotent
// helpers with the same settings, so whichever starts first creates them.
import { type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@sa/proto';

export interface PhoneStreamOptions {
  /** How long presence stays replayable (a router down this long loses nothing). */
  readonly maxAgeMs?: number;
  readonly replicas?: number;
}

const NS_PER_MS = 1_000_000;

export async function ensurePhoneStream(
  nc: NatsConnection,
  names: BusNames,
  options: PhoneStreamOptions = {},
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
  replicas = 1,
): Promise<SnapshotBuckets> {
  const kvm = new Kvm(nc);
  const open = (name: string) => kvm.create(name, { history: 1, replicas });
  const [devices, keys, users] = await Promise.all([
    open(names.devicesBucket),
    open(names.keysBucket),
    open(names.usersBucket),
  ]);
  return { devices, keys, users };
}

/**
 * Deletes the phone stream and the snapshot buckets of one bus prefix, whatever exists of them
 * (test and benchmark tear-down; never called by a service).
 */
export async function deleteBusStreams(nc: NatsConnection, names: BusNames): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const stream of [
    names.phoneStream,
    ...[names.devicesBucket, names.keysBucket, names.usersBucket].map((b) => `KV_${b}`),
  ])
    await jsm.streams.delete(stream).catch(() => {});
}

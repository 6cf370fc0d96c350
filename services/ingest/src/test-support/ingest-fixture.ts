// Real NATS + Redis around one or more in-process ingest instances, isolated per test: own bus
// prefix, own Redis key prefix, own stream and buckets, all removed by close().
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createLogger,
  deleteBusStreams,
  ensurePhoneStream,
  openDeviceKeysBucket,
  openRadiusClientsBucket,
  openSnapshotBuckets,
  Redis,
} from '@sa/platform';
import { type BusNames, busNames, encodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys, waitFor } from '@sa/testkit';
import { buildIngestApp, type IngestApp } from '../app.js';
import { loadIngestConfig } from '../config.js';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface DeviceSeed {
  readonly deviceId: string;
  readonly extension?: string;
  readonly enabled?: boolean;
  readonly tier?: number;
  readonly enrolled?: boolean;
  readonly wifiMacs?: readonly string[];
}

export interface AccountingClientSeed {
  readonly id: string;
  readonly network: string;
  readonly secret: string;
  readonly enabled?: boolean;
}

export interface KeySeed {
  readonly keyId: number;
  readonly secret: string;
  readonly state?: 'active' | 'retiring' | 'retired';
  readonly notAfterMs?: number;
  readonly deviceId?: string;
}

export interface IngestInstance {
  readonly app: IngestApp;
  readonly port: number;
  readonly logLines: string[];
  rejected(reason: string): Promise<number>;
  accepted(): Promise<number>;
  /** sum of a metric's values, or of those with one label value */
  metric(name: string, label?: [string, string]): Promise<number>;
}

const KEY_STATE = {
  active: v1.KeyState.KEY_STATE_ACTIVE,
  retiring: v1.KeyState.KEY_STATE_RETIRING,
  retired: v1.KeyState.KEY_STATE_RETIRED,
};

const serverKey = (k: KeySeed) =>
  v1.ServerKey.create({
    keyId: k.keyId,
    secret: Buffer.from(k.secret, 'ascii'),
    state: KEY_STATE[k.state ?? 'active'],
    notAfterMs: k.notAfterMs ?? 0,
    deviceId: k.deviceId ?? '',
  });

export class IngestFixture {
  readonly instances: IngestInstance[] = [];

  private constructor(
    readonly prefix: string,
    readonly redisPrefix: string,
    readonly names: BusNames,
    readonly nc: NatsConnection,
    readonly devices: KV,
    readonly keys: KV,
    readonly deviceKeys: KV,
    readonly redis: Redis,
  ) {}

  static async create(): Promise<IngestFixture> {
    const prefix = `t_${randomBytes(4).toString('hex')}`;
    const names = busNames(prefix);
    const nc = await connect({ servers: NATS_URL });
    await ensurePhoneStream(nc, names);
    const buckets = await openSnapshotBuckets(nc, names);
    const deviceKeys = await openDeviceKeysBucket(nc, names);
    const redis = new Redis(REDIS_URL);
    return new IngestFixture(
      prefix,
      `${prefix}:ingest:`,
      names,
      nc,
      buckets.devices,
      buckets.keys,
      deviceKeys,
      redis,
    );
  }

  /** What admin does: put the encoded Device under its id. */
  async seedDevice(seed: DeviceSeed): Promise<void> {
    const device = v1.Device.create({
      deviceId: seed.deviceId,
      extension: seed.extension ?? '201',
      enabled: seed.enabled ?? true,
      tier: seed.tier ?? v1.Tier.TIER_STANDARD,
      permissions: { genericDestinations: true },
      enrolled: seed.enrolled ?? false,
      wifiMacs: [...(seed.wifiMacs ?? [])],
    });
    await this.devices.put(seed.deviceId, encodeMessage(v1.Device, device, 'Device'));
  }

  /** What admin does: put the whole key ring under "ring" (`serverKeysDisabled`: turned off for good). */
  async seedKeys(keys: readonly KeySeed[], options: { serverKeysDisabled?: boolean } = {}): Promise<void> {
    const ring = v1.KeyRingChanged.create({
      revision: Date.now(),
      keys: keys.map(serverKey),
      serverKeysDisabled: options.serverKeysDisabled ?? false,
    });
    await this.keys.put('ring', encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
  }

  /** What admin does when it enrols a device: its own keys under its id (no keys: deletes the entry). */
  async seedDeviceKeys(deviceId: string, keys: readonly Omit<KeySeed, 'deviceId'>[]): Promise<void> {
    if (keys.length === 0) {
      await this.deviceKeys.delete(deviceId);
      return;
    }
    const message = v1.DeviceKeys.create({ deviceId, keys: keys.map((k) => serverKey({ ...k, deviceId })) });
    await this.deviceKeys.put(deviceId, encodeMessage(v1.DeviceKeys, message, 'DeviceKeys'));
  }

  /** What admin does: put every RADIUS accounting client under "clients". */
  async seedAccountingClients(clients: readonly AccountingClientSeed[]): Promise<void> {
    const bucket = await openRadiusClientsBucket(this.nc, this.names);
    const message = v1.AccountingClients.create({
      revision: Date.now(),
      clients: clients.map((c) => ({
        id: c.id,
        name: c.id,
        network: c.network,
        secret: Buffer.from(c.secret, 'utf8'),
        enabled: c.enabled ?? true,
      })),
    });
    await bucket.put('clients', encodeMessage(v1.AccountingClients, message, 'AccountingClients'));
  }

  async startInstance(env: Record<string, string> = {}): Promise<IngestInstance> {
    const config = loadIngestConfig({
      NATS_URL,
      REDIS_URL,
      SA_BUS_PREFIX: this.prefix,
      REDIS_KEY_PREFIX: this.redisPrefix,
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      REJECT_LOG_PER_SEC: '1000',
      ...env,
    });
    const logLines: string[] = [];
    const logger = createLogger('ingest', config.LOG_LEVEL, {
      write: (line: string) => {
        if (logLines.length < 5000) logLines.push(line);
      },
    });
    const app = await buildIngestApp(config, logger);
    await app.start();
    const metricSum = async (name: string, label?: [string, string]) => {
      const metric = app.metrics.getSingleMetric(name);
      if (!metric) return 0;
      const { values } = await metric.get();
      return values
        .filter((v) => !label || v.labels[label[0]] === label[1])
        .reduce((sum, v) => sum + v.value, 0);
    };
    const instance: IngestInstance = {
      app,
      port: app.addresses().port,
      logLines,
      rejected: (reason) => metricSum('sa_ingest_packets_rejected_total', ['reason', reason]),
      accepted: () => metricSum('sa_ingest_packets_accepted_total'),
      metric: metricSum,
    };
    this.instances.push(instance);
    return instance;
  }

  async streamMessages(): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    return (await jsm.streams.info(this.names.phoneStream)).state.messages;
  }

  async close(): Promise<void> {
    for (const i of this.instances) await i.app.stop('test done');
    await deleteBusStreams(this.nc, this.names);
    await this.nc.close();
    await deleteRedisKeys(this.redis, `${this.redisPrefix}*`);
    await this.redis.quit();
  }
}

/** Polls `check` until it returns true or the deadline passes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  await waitFor(check, { timeoutMs, what, intervalMs: 20 });
}

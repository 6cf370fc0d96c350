// Integration harness: a private bus prefix and Redis key prefix, a stub ami-bridge that records
// AstDB commands, helpers to publish phone events and user configs, and full cleanup.
import { randomBytes } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createLogger,
  deleteBusStreams,
  ensurePhoneStream,
  openSnapshotBuckets,
  Redis,
  type ServiceApp,
} from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import { deleteRedisKeys, waitFor as waitUntil } from '@sa/testkit';
import { decodeCall } from '../src/adapters/redis/call-codec.js';
import { buildRouterApp } from '../src/app.js';
import { loadRouterConfig } from '../src/config.js';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const OFFICE_AP = 'aa:bb:cc:00:00:01';
export const CONF_AP = 'aa:bb:cc:00:00:02';

export interface AstDbCommand {
  readonly key: string;
  readonly value: string | null;
  readonly at: number;
}

export function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  ms = 15_000,
): Promise<T> {
  return waitUntil(probe, { what, timeoutMs: ms, intervalMs: 20 });
}

export function officeConfig(extension: string): Uint8Array {
  const target = (id: string, dial: string) => ({ id, name: `SMART-${id}`, dial, generic: true });
  const loc = (id: string) => ({ kind: v1.RuleKind.RULE_KIND_LOCATION, locationId: id });
  const cfg = v1.UserConfig.create({
    extension,
    revision: 1,
    locations: [
      { id: 'office', name: 'Office', ssids: ['Corp'], bssids: [OFFICE_AP] },
      { id: 'conf', name: 'Conference', ssids: [], bssids: [CONF_AP] },
    ],
    scenarios: [
      { id: 'desk', name: 'Desk', priority: 10, rules: [loc('office')], target: target('desk', extension) },
      {
        id: 'conference',
        name: 'Conference',
        priority: 5,
        rules: [loc('conf')],
        target: target('conf', '299'),
      },
      {
        id: 'mobile',
        name: 'Mobile',
        priority: 100,
        isDefault: true,
        target: target('mobile', `0170${extension}`),
      },
    ],
  });
  return encodeMessage(v1.UserConfig, cfg, 'UserConfig');
}

/**
 * One partition consumer owning the whole stream, as the consumer tests run it. ack_wait is far
 * longer than any test: a redelivery after it cannot be what makes one pass.
 */
export const SOLE_PARTITION = {
  partition: 0,
  partitions: 1,
  ackWaitMs: 60_000,
  batchMax: 100,
  pullMax: 100,
  maxAckPending: 1000,
  durablePrefix: 'router_phone',
} as const;

interface PresenceOf {
  extension: string;
  deviceId: string;
  counter: number;
  bssid: string;
  atMs?: number;
  source?: smartassistant.v1.PresenceSource;
}

/** A PresenceReported (connected to `bssid` on the "Corp" network), encoded as ingest sends it. */
export function presenceBytes(p: PresenceOf): Uint8Array {
  const atMs = p.atMs ?? Date.now();
  const msg = v1.PresenceReported.create({
    deviceId: p.deviceId,
    extension: p.extension,
    counter: p.counter,
    sentAtMs: atMs,
    receivedAtMs: atMs,
    connected: { ssid: 'Corp', bssid: p.bssid, rssiDbm: -50 },
    source: p.source ?? v1.PresenceSource.PRESENCE_SOURCE_APP,
  });
  return encodeMessage(v1.PresenceReported, msg, 'PresenceReported');
}

/** Publishes a presenceBytes report into the phone stream as ingest would. */
export async function publishPresence(
  nc: NatsConnection,
  names: ReturnType<typeof busNames>,
  p: PresenceOf & { msgId: string },
): Promise<void> {
  await jetstream(nc).publish(names.presence(p.extension), presenceBytes(p), { msgID: p.msgId });
}

/** Deletes a test's phone stream, KV buckets and Redis keys, then closes both connections. */
export async function removeTestState(
  nc: NatsConnection,
  names: ReturnType<typeof busNames>,
  redis: Redis,
  prefix: string,
): Promise<void> {
  await deleteBusStreams(nc, names);
  await deleteRedisKeys(redis, `{sa:${prefix}*`);
  await redis.quit();
  await nc.close();
}

export class Harness {
  readonly prefix = `t_r${randomBytes(4).toString('hex')}`;
  readonly names = busNames(this.prefix);
  readonly astdb = new Map<string, AstDbCommand[]>();
  readonly apps: ServiceApp[] = [];
  nc!: NatsConnection;
  redis!: Redis;
  amiUp = true;
  amiDropped = 0;

  async setup(): Promise<this> {
    this.nc = await connect({ servers: NATS_URL });
    this.redis = new Redis(REDIS_URL);
    await ensurePhoneStream(this.nc, this.names);
    await openSnapshotBuckets(this.nc, this.names);
    this.nc.subscribe(this.names.amiCommand, {
      queue: 'ami-bridge',
      callback: (_e, m) => {
        if (!this.amiUp) {
          this.amiDropped++; // no reply: the router times out and retries
          return;
        }
        const cmd = decodeMessage(v1.AmiCommand, m.data, 'AmiCommand');
        const put = cmd.dbPut;
        const del = cmd.dbDel;
        const key = put?.key ?? del?.key ?? '';
        const list = this.astdb.get(key) ?? [];
        list.push({ key, value: put ? (put.value ?? '') : null, at: Date.now() });
        this.astdb.set(key, list);
        m.respond(
          encodeMessage(
            v1.AmiResult,
            v1.AmiResult.create({ requestId: cmd.requestId, ok: true }),
            'AmiResult',
          ),
        );
      },
    });
    return this;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NATS_URL,
      REDIS_URL,
      SA_BUS_PREFIX: this.prefix,
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
      ROUTER_SWEEP_MS: '50',
      ROUTER_LEASE_MS: '1500',
      ROUTER_ACK_WAIT_MS: '1500',
      AMI_COMMAND_TIMEOUT_MS: '300',
      ...extra,
    };
  }

  async startRouter(extra: Record<string, string> = {}, clock?: () => number): Promise<ServiceApp> {
    const config = loadRouterConfig(this.env(extra));
    const app = await buildRouterApp(config, createLogger('router', 'silent'), clock ? { clock } : {});
    await app.start();
    this.apps.push(app);
    return app;
  }

  async putConfig(extension: string, config: Uint8Array = officeConfig(extension)): Promise<void> {
    const { users } = await openSnapshotBuckets(this.nc, this.names);
    await users.put(extension, config);
  }

  async presence(
    extension: string,
    deviceId: string,
    counter: number,
    bssid: string,
    atMs = Date.now(),
    source: smartassistant.v1.PresenceSource = v1.PresenceSource.PRESENCE_SOURCE_APP,
  ) {
    await publishPresence(this.nc, this.names, {
      extension,
      deviceId,
      counter,
      bssid,
      atMs,
      source,
      msgId: `${deviceId}:${source}:${counter}:${randomBytes(2).toString('hex')}`,
    });
  }

  lastAstDb(extension: string, key = 'target'): string | null | undefined {
    const list = this.astdb.get(`${extension}/${key}`);
    return list?.[list.length - 1]?.value;
  }

  async storedState(extension: string): Promise<string | null> {
    return this.redis.get(`{sa:${this.prefix}:${extension}}:st`);
  }

  /** A call as ami-bridge announces it; `dialled` = AstDB-first (the target the dialplan already dials). */
  async callArrived(extension: string, callId = 'c1', dialled?: string) {
    const req = v1.CallArrived.create({
      callId,
      extension,
      callerIdNum: '555',
      arrivedAtMs: Date.now(),
      ...(dialled !== undefined && { astdbFirst: true, dialledTarget: dialled }),
    });
    const reply = await this.nc.request(
      this.names.callArrived,
      encodeMessage(v1.CallArrived, req, 'CallArrived'),
      {
        timeout: 2000,
      },
    );
    return decodeMessage(v1.RouteDecision, reply.data, 'RouteDecision');
  }

  /** The user's call log as router recorded it (newest first). */
  async callLog(extension: string): Promise<Array<Record<string, unknown>>> {
    const rows = await this.redis.lrange(`{sa:${this.prefix}:${extension}}:calls`, 0, -1);
    return rows.map((r) => decodeCall(extension, r) as unknown as Record<string, unknown>);
  }

  async teardown(): Promise<void> {
    for (const app of this.apps.splice(0)) await app.stop('test end').catch(() => {});
    await removeTestState(this.nc, this.names, this.redis, this.prefix);
  }
}

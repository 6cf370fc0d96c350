// Publishes outbox rows in seq order, a batch at a time: first the batch's KV snapshot writes
// (JetStream-acknowledged), all at once and only the last per key (a snapshot is the latest state,
// and writes to distinct keys need no order), then its change events in seq order; then flushes
// (server acknowledged) and marks the batch published in one statement, all while holding the relay
// lock, so a NATS outage only delays delivery and a second admin instance never reorders it. One
// round trip per batch, not per row: a bulk import's 50,000 changes reach router in seconds.
// Delivery is at-least-once: a crash between publish and commit repeats the row (revision = seq lets
// consumers drop duplicates).
import type { KV } from '@nats-io/kv';
import type { Logger, NatsConnection, Pool, SnapshotBuckets } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { SecretBox } from '../../domain/secret-box.js';
import { OUTBOX_LOCK, type SubjectKind } from '../pg/change-set.js';

interface OutboxRow {
  seq: string;
  subject_kind: SubjectKind;
  kv_key: string | null;
  kv_delete: boolean;
  sealed: boolean;
  event: Buffer;
}

export interface OutboxRelayOptions {
  readonly pool: Pool;
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly buckets: SnapshotBuckets;
  /** per-device keys (DeviceKeys by device id), kept apart from the snapshot buckets: secrets */
  readonly deviceKeys: KV;
  /** RADIUS accounting clients (AccountingClients under "clients"), apart too: shared secrets */
  readonly radiusClients: KV;
  readonly box: SecretBox;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly batch?: number;
}

export class OutboxRelay {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #lastError: string | null = null;
  #published = 0;
  #lastPrune = 0;
  readonly #log: Logger;

  constructor(private readonly o: OutboxRelayOptions) {
    this.#log = o.logger.child({ component: 'outbox' });
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Wake the relay now (called after a commit) instead of waiting for the next poll. */
  kick(): void {
    if (this.#stopped || this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  get publishedCount(): number {
    return this.#published;
  }

  health(): { status: 'up' | 'degraded'; detail?: string } {
    return this.#lastError ? { status: 'degraded', detail: `outbox: ${this.#lastError}` } : { status: 'up' };
  }

  async pending(): Promise<number> {
    const { rows } = await this.o.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
    );
    return Number(rows[0]!.n);
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#drain().finally(() => {
        this.#running = null;
        if (!this.#stopped) this.#schedule(this.#lastError ? Math.max(this.o.pollMs, 1000) : this.o.pollMs);
      });
    }, ms);
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#stopped && (await this.#publishBatch()) > 0) {
        // keep going while there is work
      }
      if (Date.now() - this.#lastPrune > 60_000) {
        this.#lastPrune = Date.now();
        // published rows are kept a day for diagnosis, then dropped
        await this.o.pool.query(`DELETE FROM outbox WHERE published_at < now() - interval '1 day'`);
      }
      if (this.#lastError) this.#log.info('outbox publishing again');
      this.#lastError = null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (this.#lastError !== message) this.#log.warn({ err: message }, 'outbox publish failed; will retry');
      this.#lastError = message;
    }
  }

  async #publishBatch(): Promise<number> {
    const client = await this.o.pool.connect();
    try {
      await client.query('BEGIN');
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, 1) AS ok', [
        OUTBOX_LOCK,
      ]);
      if (!locked.rows[0]!.ok) {
        await client.query('ROLLBACK');
        return 0; // another instance is relaying
      }
      const { rows } = await client.query<OutboxRow>(
        `SELECT seq, subject_kind, kv_key, kv_delete, sealed, event FROM outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [this.o.batch ?? 500],
      );
      if (rows.length > 0) {
        await this.#publishRows(rows);
        await this.o.nc.flush();
        await client.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [
          rows.map((r) => r.seq),
        ]);
        this.#published += rows.length;
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async #publishRows(rows: readonly OutboxRow[]): Promise<void> {
    const writes = new Map<string, () => Promise<unknown>>();
    const events: (() => void)[] = [];
    for (const row of rows) {
      const step = this.#steps(row);
      if (step.write) writes.set(`${row.subject_kind}/${row.kv_key}`, step.write);
      if (step.event) events.push(step.event);
    }
    await Promise.all([...writes.values()].map((write) => write()));
    for (const publish of events) publish();
  }

  /** A row's snapshot write (bucket by kind, key kv_key) and its event, if it has them. */
  #steps(row: OutboxRow): { write?: () => Promise<unknown>; event?: () => void } {
    const { names, buckets, nc } = this.o;
    const event = row.sealed ? this.o.box.open(row.event) : row.event;
    const key = row.kv_key!;
    /** the row's key in `bucket`: deleted, or set to `value()` */
    const kvWrite = (bucket: KV, value: () => Uint8Array) =>
      row.kv_delete ? () => bucket.delete(key) : () => bucket.put(key, value());
    switch (row.subject_kind) {
      case 'device':
        return {
          write: kvWrite(buckets.devices, () => {
            const msg = decodeMessage(v1.DeviceChanged, event, 'DeviceChanged');
            return encodeMessage(v1.Device, msg.device!, 'Device');
          }),
          event: () => nc.publish(names.deviceChanged, event),
        };
      case 'user':
        return {
          write: kvWrite(buckets.users, () => {
            const msg = decodeMessage(v1.UserConfigChanged, event, 'UserConfigChanged');
            return encodeMessage(v1.UserConfig, msg.config!, 'UserConfig');
          }),
          event: () => nc.publish(names.userConfigChanged, event),
        };
      case 'keyring':
        return {
          write: () => buckets.keys.put('ring', event),
          // the event says which keys changed, never their secrets: those stay in the bucket only
          // ingest and admin may read
          event: () => nc.publish(names.keyRingChanged, withoutSecrets(event)),
        };
      case 'destination':
        return { event: () => nc.publish(names.destinationChanged, event) };
      // secrets: only in the device-keys bucket (no event subject), which only ingest may read
      case 'device_keys':
        return { write: kvWrite(this.o.deviceKeys, () => event) };
      // the whole AccountingClients with their shared secrets: bucket only, no event subject
      case 'radius_clients':
        return { write: () => this.o.radiusClients.put(key, event) };
    }
  }
}

/** The KeyRingChanged event as published on the subject: key ids, states and ends, no secrets. */
export function withoutSecrets(ring: Uint8Array): Uint8Array {
  const msg = decodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged');
  for (const key of msg.keys) key.secret = new Uint8Array(0);
  return encodeMessage(v1.KeyRingChanged, msg, 'KeyRingChanged');
}

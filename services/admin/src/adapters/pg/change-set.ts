// A unit of work: the caller's writes, their audit rows and the outbox rows describing them commit
// together or not at all. Outbox rows take a transaction-scoped advisory lock before drawing their
// sequence number, so seq order equals commit order and the relay can publish strictly in order.
import type { Pool, PoolClient } from '@sa/platform';
import { encodeMessage, type smartassistant, v1 } from '@sa/proto';

import type { SecretBox } from '../../domain/secret-box.js';
import { inTransaction } from './db.js';
import {
  type DestinationRow,
  deviceSnapshot,
  keyRingSnapshot,
  targetMessage,
  userSnapshot,
} from './snapshots.js';

export const OUTBOX_LOCK = 0x5a0b0c;

export interface Tx {
  readonly client: PoolClient;
  readonly actor: string;
  audit(action: string, entity: string, entityId: string, before: unknown, after: unknown): Promise<void>;
  deviceChanged(deviceId: string): void;
  userChanged(extension: string): void;
  keyRingChanged(): void;
  destinationChanged(row: DestinationRow, deleted: boolean): void;
}

export class ChangeRunner {
  /** Called after a commit that wrote outbox rows (wakes the relay). */
  onCommit: () => void = () => {};

  constructor(
    private readonly pool: Pool,
    private readonly box: SecretBox,
  ) {}

  async run<T>(actor: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let wrote = false;
    const result = await this.#run(actor, fn, () => {
      wrote = true;
    });
    if (wrote) this.onCommit();
    return result;
  }

  /** Re-emits the full snapshot (every device, every user, the key ring), e.g. into empty KV buckets. */
  republishAll(): Promise<{ devices: number; users: number }> {
    return this.run('system', async (tx) => {
      const devices = await tx.client.query<{ device_id: string }>(
        'SELECT device_id FROM devices ORDER BY device_id',
      );
      const users = await tx.client.query<{ extension: string }>(
        'SELECT extension FROM extensions ORDER BY extension',
      );
      for (const d of devices.rows) tx.deviceChanged(d.device_id);
      for (const u of users.rows) tx.userChanged(u.extension);
      tx.keyRingChanged();
      return { devices: devices.rowCount ?? 0, users: users.rowCount ?? 0 };
    });
  }

  #run<T>(actor: string, fn: (tx: Tx) => Promise<T>, wrote: () => void): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      const devices = new Set<string>();
      const users = new Set<string>();
      const destinations = new Map<string, { row: DestinationRow; deleted: boolean }>();
      let keyRing = false;
      const tx: Tx = {
        client,
        actor,
        audit: async (action, entity, entityId, before, after) => {
          await client.query(
            'INSERT INTO audit_log (actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)',
            [actor, action, entity, entityId, json(before), json(after)],
          );
        },
        deviceChanged: (id) => void devices.add(id),
        userChanged: (ext) => void users.add(ext),
        keyRingChanged: () => {
          keyRing = true;
        },
        destinationChanged: (row, deleted) => void destinations.set(row.id, { row, deleted }),
      };
      const result = await fn(tx);
      if (devices.size + users.size + destinations.size === 0 && !keyRing) return result;
      await client.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
      wrote();
      for (const { row, deleted } of destinations.values()) {
        await this.write(client, 'destination', null, false, (seq) =>
          encodeMessage(
            v1.DestinationChanged,
            v1.DestinationChanged.create({ op: op(deleted), target: targetMessage(row), revision: seq }),
            'DestinationChanged',
          ),
        );
      }
      for (const id of devices) {
        const device = await deviceSnapshot(client, id);
        await this.write(client, 'device', id, device === null, (seq) =>
          encodeMessage(
            v1.DeviceChanged,
            v1.DeviceChanged.create({
              op: op(device === null),
              device: device ?? v1.Device.create({ deviceId: id }),
              revision: seq,
            }),
            'DeviceChanged',
          ),
        );
      }
      for (const ext of users) {
        const config = await userSnapshot(client, ext);
        await this.write(client, 'user', ext, config.deleted, (seq) => {
          config.revision = seq;
          return encodeMessage(
            v1.UserConfigChanged,
            v1.UserConfigChanged.create({ op: op(config.deleted), config, revision: seq }),
            'UserConfigChanged',
          );
        });
      }
      if (keyRing) {
        const ring = await keyRingSnapshot(client, this.box);
        await this.write(
          client,
          'keyring',
          'ring',
          false,
          (seq) => {
            ring.revision = seq;
            return this.box.seal(encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
          },
          true,
        );
      }
      return result;
    });
  }

  private async write(
    client: PoolClient,
    kind: 'device' | 'keyring' | 'user' | 'destination',
    kvKey: string | null,
    kvDelete: boolean,
    encode: (seq: number) => Uint8Array,
    sealed = false,
  ): Promise<void> {
    const { rows } = await client.query<{ seq: string }>("SELECT nextval('outbox_seq') AS seq");
    const seq = Number(rows[0]!.seq);
    await client.query(
      'INSERT INTO outbox (seq, subject_kind, kv_key, kv_delete, sealed, event) VALUES ($1, $2, $3, $4, $5, $6)',
      [seq, kind, kvKey, kvDelete, sealed, Buffer.from(encode(seq))],
    );
  }
}

const op = (deleted: boolean): smartassistant.v1.ChangeOp =>
  deleted ? v1.ChangeOp.CHANGE_OP_DELETE : v1.ChangeOp.CHANGE_OP_UPSERT;

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

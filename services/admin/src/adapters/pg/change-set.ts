// A unit of work: the caller's writes, their audit rows and the outbox rows describing them commit
// together or not at all. Outbox rows take a transaction-scoped advisory lock before drawing their
// sequence number, so seq order equals commit order and the relay can publish strictly in order.
// Snapshots, sequence numbers and outbox rows are read and written in batches (a few statements per
// 1,000 changes), so a bulk import of thousands of devices costs about what one edit does per row.
import type { Pool, PoolClient } from '@sa/platform';
import { encodeMessage, type smartassistant, v1 } from '@sa/proto';

import type { SecretBox } from '../../domain/secret-box.js';
import { inTransaction } from './db.js';
import {
  accountingClientsSnapshot,
  type DestinationRow,
  deviceKeysSnapshots,
  deviceSnapshots,
  keyRingSnapshot,
  targetMessage,
  userSnapshots,
} from './snapshots.js';

export const OUTBOX_LOCK = 0x5a0b0c;
/** Rows per multi-row statement (audit, outbox) and entities per snapshot query. */
const CHUNK = 1000;

export interface AuditEntry {
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type SubjectKind = 'device' | 'keyring' | 'user' | 'destination' | 'device_keys' | 'radius_clients';

interface PendingEvent {
  readonly kind: SubjectKind;
  readonly kvKey: string | null;
  readonly kvDelete: boolean;
  readonly sealed: boolean;
  readonly encode: (seq: number) => Uint8Array;
}

export interface Tx {
  readonly client: PoolClient;
  readonly actor: string;
  audit(action: string, entity: string, entityId: string, before: unknown, after: unknown): Promise<void>;
  /** The same audit rows as audit() one by one, written by one statement per 1,000 entries. */
  auditMany(entries: readonly AuditEntry[]): Promise<void>;
  deviceChanged(deviceId: string): void;
  userChanged(extension: string): void;
  keyRingChanged(): void;
  /** the device's own keys changed (issued, retiring, revoked, or the device deleted) */
  deviceKeysChanged(deviceId: string): void;
  destinationChanged(row: DestinationRow, deleted: boolean): void;
  /** an accounting client (access point) was added, changed or removed: one snapshot of them all */
  radiusClientsChanged(): void;
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
      const keyed = await tx.client.query<{ device_id: string }>(
        `SELECT DISTINCT device_id FROM server_keys WHERE device_id IS NOT NULL AND state <> 'retired'`,
      );
      for (const d of keyed.rows) tx.deviceKeysChanged(d.device_id);
      for (const u of users.rows) tx.userChanged(u.extension);
      tx.keyRingChanged();
      tx.radiusClientsChanged();
      return { devices: devices.rowCount ?? 0, users: users.rowCount ?? 0 };
    });
  }

  #run<T>(actor: string, fn: (tx: Tx) => Promise<T>, wrote: () => void): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      const changes = noChanges();
      const result = await fn(txOf(client, actor, changes));
      if (isEmpty(changes)) return result;
      await client.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
      wrote();
      await this.#flushOutbox(client, changes);
      return result;
    });
  }

  /** The outbox rows of everything the transaction changed, in the order the relay must publish them. */
  async #flushOutbox(client: PoolClient, changes: Changes): Promise<void> {
    const events: PendingEvent[] = destinationEvents(changes.destinations);
    // a device's own keys before the device: ingest holds the keys by the time a device says it is
    // enrolled, so an enrolment never has a moment where the device is refused for want of its key
    for (const ids of chunks([...changes.deviceKeys]))
      events.push(...(await deviceKeysEvents(client, this.box, ids)));
    for (const ids of chunks([...changes.devices])) events.push(...(await deviceEvents(client, ids)));
    for (const exts of chunks([...changes.users])) events.push(...(await userEvents(client, exts)));
    if (changes.keyRing) events.push(await keyRingEvent(client, this.box));
    if (changes.radiusClients) events.push(await radiusClientsEvent(client, this.box));
    for (const batch of chunks(events)) await this.write(client, batch);
  }

  /** Outbox rows in the given order: consecutive sequence numbers, one INSERT. */
  private async write(client: PoolClient, events: readonly PendingEvent[]): Promise<void> {
    const { rows } = await client.query<{ seq: string }>(
      "SELECT nextval('outbox_seq') AS seq FROM generate_series(1, $1::int) ORDER BY 1",
      [events.length],
    );
    const seqs = rows.map((r) => Number(r.seq));
    await client.query(
      `INSERT INTO outbox (seq, subject_kind, kv_key, kv_delete, sealed, event)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[], $5::boolean[], $6::bytea[])`,
      [
        seqs,
        events.map((e) => e.kind),
        events.map((e) => e.kvKey),
        events.map((e) => e.kvDelete),
        events.map((e) => e.sealed),
        events.map((e, i) => Buffer.from(e.encode(seqs[i]!))),
      ],
    );
  }
}

/** What a transaction changed, collected by its Tx and turned into outbox rows at the end. */
interface Changes {
  readonly devices: Set<string>;
  readonly users: Set<string>;
  readonly destinations: Map<string, { row: DestinationRow; deleted: boolean }>;
  readonly deviceKeys: Set<string>;
  keyRing: boolean;
  radiusClients: boolean;
}

const noChanges = (): Changes => ({
  devices: new Set(),
  users: new Set(),
  destinations: new Map(),
  deviceKeys: new Set(),
  keyRing: false,
  radiusClients: false,
});

const isEmpty = (c: Changes): boolean =>
  c.devices.size + c.users.size + c.destinations.size + c.deviceKeys.size === 0 &&
  !c.keyRing &&
  !c.radiusClients;

/** The caller's view of the transaction: audit rows are written at once, changes only noted. */
function txOf(client: PoolClient, actor: string, changes: Changes): Tx {
  return {
    client,
    actor,
    audit: async (action, entity, entityId, before, after) => {
      await client.query(
        'INSERT INTO audit_log (actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)',
        [actor, action, entity, entityId, json(before), json(after)],
      );
    },
    auditMany: async (entries) => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const chunk = entries.slice(i, i + CHUNK);
        await client.query(
          `INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
           SELECT $1, a, e, id, b::jsonb, af::jsonb
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(a, e, id, b, af)`,
          [
            actor,
            chunk.map((x) => x.action),
            chunk.map((x) => x.entity),
            chunk.map((x) => x.entityId),
            chunk.map((x) => json(x.before)),
            chunk.map((x) => json(x.after)),
          ],
        );
      }
    },
    deviceChanged: (id) => void changes.devices.add(id),
    userChanged: (ext) => void changes.users.add(ext),
    keyRingChanged: () => {
      changes.keyRing = true;
    },
    deviceKeysChanged: (id) => void changes.deviceKeys.add(id),
    destinationChanged: (row, deleted) => void changes.destinations.set(row.id, { row, deleted }),
    radiusClientsChanged: () => {
      changes.radiusClients = true;
    },
  };
}

function destinationEvents(destinations: Changes['destinations']): PendingEvent[] {
  return [...destinations.values()].map(({ row, deleted }) => ({
    kind: 'destination',
    kvKey: null,
    kvDelete: false,
    sealed: false,
    encode: (seq) =>
      encodeMessage(
        v1.DestinationChanged,
        v1.DestinationChanged.create({ op: op(deleted), target: targetMessage(row), revision: seq }),
        'DestinationChanged',
      ),
  }));
}

async function deviceKeysEvents(client: PoolClient, box: SecretBox, ids: string[]): Promise<PendingEvent[]> {
  const snapshots = await deviceKeysSnapshots(client, box, ids);
  return ids.map((id) => {
    const keys = snapshots.get(id);
    return {
      kind: 'device_keys',
      kvKey: id,
      kvDelete: keys === undefined,
      sealed: true,
      encode: () =>
        box.seal(encodeMessage(v1.DeviceKeys, keys ?? v1.DeviceKeys.create({ deviceId: id }), 'DeviceKeys')),
    };
  });
}

async function deviceEvents(client: PoolClient, ids: string[]): Promise<PendingEvent[]> {
  const snapshots = await deviceSnapshots(client, ids);
  return ids.map((id) => {
    const device = snapshots.get(id) ?? null;
    return {
      kind: 'device',
      kvKey: id,
      kvDelete: device === null,
      sealed: false,
      encode: (seq) =>
        encodeMessage(
          v1.DeviceChanged,
          v1.DeviceChanged.create({
            op: op(device === null),
            device: device ?? v1.Device.create({ deviceId: id }),
            revision: seq,
          }),
          'DeviceChanged',
        ),
    };
  });
}

async function userEvents(client: PoolClient, exts: string[]): Promise<PendingEvent[]> {
  const configs = await userSnapshots(client, exts);
  return exts.map((ext) => {
    const config = configs.get(ext)!;
    return {
      kind: 'user',
      kvKey: ext,
      kvDelete: config.deleted,
      sealed: false,
      encode: (seq) => {
        config.revision = seq;
        return encodeMessage(
          v1.UserConfigChanged,
          v1.UserConfigChanged.create({ op: op(config.deleted), config, revision: seq }),
          'UserConfigChanged',
        );
      },
    };
  });
}

async function keyRingEvent(client: PoolClient, box: SecretBox): Promise<PendingEvent> {
  const ring = await keyRingSnapshot(client, box);
  return {
    kind: 'keyring',
    kvKey: 'ring',
    kvDelete: false,
    sealed: true,
    encode: (seq) => {
      ring.revision = seq;
      return box.seal(encodeMessage(v1.KeyRingChanged, ring, 'KeyRingChanged'));
    },
  };
}

/** Every client with its secret opened, sealed again as a whole: one event, no subject. */
async function radiusClientsEvent(client: PoolClient, box: SecretBox): Promise<PendingEvent> {
  const clients = await accountingClientsSnapshot(client, box);
  return {
    kind: 'radius_clients',
    kvKey: 'clients',
    kvDelete: false,
    sealed: true,
    encode: (seq) => {
      clients.revision = seq;
      return box.seal(encodeMessage(v1.AccountingClients, clients, 'AccountingClients'));
    },
  };
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const op = (deleted: boolean): smartassistant.v1.ChangeOp =>
  deleted ? v1.ChangeOp.CHANGE_OP_DELETE : v1.ChangeOp.CHANGE_OP_UPSERT;

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

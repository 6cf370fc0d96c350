// Accounting clients (issue 20): the access points and Wi-Fi controllers allowed to send RADIUS
// accounting to ingest, each with its shared secret sealed under the KEK. The secret leaves admin
// once, in the answer that set it (create, rotate-secret); after that only that a secret is set.
// Every change is audited without the secret and emits one sealed outbox event carrying all clients
// (the relay puts them in the radius-clients bucket only admin and ingest read).
import type { Pool } from '@sa/platform';
import { parseNetwork } from '../../domain/ip-network.js';
import type { SecretBox } from '../../domain/secret-box.js';
import { AdminError } from '../../errors.js';
import type { ChangeRunner, Tx } from './change-set.js';

export interface AccountingClientView {
  id: string;
  name: string;
  network: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  network: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, network, enabled, created_at, updated_at';

const view = (r: Row): AccountingClientView => ({
  id: r.id,
  name: r.name,
  network: r.network,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The network as stored (canonical), or ADMIN_NETWORK_INVALID naming the field. */
function network(input: string): string {
  const r = parseNetwork(input);
  if ('problem' in r)
    throw new AdminError('ADMIN_NETWORK_INVALID', `network: ${r.problem}`, { field: 'network' });
  return r.network;
}

export class AccountingClientsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly box: SecretBox,
  ) {}

  /** Every client by name (never secrets). */
  async list(): Promise<AccountingClientView[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM accounting_clients ORDER BY name`);
    return rows.map(view);
  }

  async get(id: string): Promise<AccountingClientView> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM accounting_clients WHERE id = $1`, [
      id,
    ]);
    if (!rows[0]) throw notFound(id);
    return view(rows[0]);
  }

  create(
    actor: string,
    input: { name: string; network: string; secret: string; enabled?: boolean },
  ): Promise<AccountingClientView> {
    const net = network(input.network);
    return this.changes.run(actor, async (tx) => {
      const { rows } = await tx.client.query<Row>(
        `INSERT INTO accounting_clients (name, network, secret_sealed, enabled) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [input.name, net, this.box.seal(Buffer.from(input.secret, 'utf8')), input.enabled ?? true],
      );
      const created = view(rows[0]!);
      await tx.audit('create', 'accounting_client', created.id, null, created);
      tx.radiusClientsChanged();
      return created;
    });
  }

  update(
    actor: string,
    id: string,
    patch: { name?: string; network?: string; enabled?: boolean },
  ): Promise<AccountingClientView> {
    const net = patch.network === undefined ? null : network(patch.network);
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const { rows } = await tx.client.query<Row>(
        `UPDATE accounting_clients SET name = COALESCE($2, name), network = COALESCE($3, network),
                enabled = COALESCE($4, enabled), updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, patch.name ?? null, net, patch.enabled ?? null],
      );
      const after = view(rows[0]!);
      await tx.audit('update', 'accounting_client', id, before, after);
      tx.radiusClientsChanged();
      return after;
    });
  }

  /** Replaces the client's shared secret (the access point must be given the new one). */
  rotateSecret(actor: string, id: string, secret: string): Promise<AccountingClientView> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      const { rows } = await tx.client.query<Row>(
        `UPDATE accounting_clients SET secret_sealed = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, this.box.seal(Buffer.from(secret, 'utf8'))],
      );
      const after = view(rows[0]!);
      await tx.audit('rotate_secret', 'accounting_client', id, before, after);
      tx.radiusClientsChanged();
      return after;
    });
  }

  remove(actor: string, id: string): Promise<void> {
    return this.changes.run(actor, async (tx) => {
      const before = await this.lock(tx, id);
      await tx.client.query('DELETE FROM accounting_clients WHERE id = $1', [id]);
      await tx.audit('delete', 'accounting_client', id, before, null);
      tx.radiusClientsChanged();
    });
  }

  private async lock(tx: Tx, id: string): Promise<AccountingClientView> {
    const { rows } = await tx.client.query<Row>(
      `SELECT ${COLUMNS} FROM accounting_clients WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows[0]) throw notFound(id);
    return view(rows[0]);
  }
}

const notFound = (id: string) =>
  new AdminError('ADMIN_ACCOUNTING_CLIENT_NOT_FOUND', `no accounting client ${id}`, { field: 'id' });

// Follows admin's RADIUS accounting clients (KV bucket <prefix>_radius_clients, key "clients", value
// AccountingClients): the current snapshot first, then every change. Holds shared secrets: never
// logs a value, only ids and problems.
import type { KV } from '@nats-io/kv';
import type { Logger } from '@sa/platform';
import { decodeMessage, v1 } from '@sa/proto';
import type { AccountingClientTable } from '../radius/accounting-client-table.js';

export const ACCOUNTING_CLIENTS_KEY = 'clients';

export interface AccountingClientsWatcher {
  /** resolves once the current snapshot (or its absence) is applied */
  readonly loaded: Promise<void>;
  loadedYet(): boolean;
  stop(): void;
}

export async function watchAccountingClients(
  bucket: KV,
  table: AccountingClientTable,
  logger: Logger,
): Promise<AccountingClientsWatcher> {
  const log = logger;
  const watch = await bucket.watch({ key: ACCOUNTING_CLIENTS_KEY });
  let loadedYet = false;
  let done: () => void = () => {};
  const loaded = new Promise<void>((resolve) => {
    done = () => {
      loadedYet = true;
      resolve();
    };
  });
  if ((await bucket.status()).values === 0) done();
  void (async () => {
    for await (const e of watch) {
      try {
        const snapshot =
          e.operation === 'PUT' ? decodeMessage(v1.AccountingClients, e.value, 'AccountingClients') : null;
        for (const problem of table.replace(snapshot)) log.warn({ event: 'radius_client_problem' }, problem);
        log.info(
          { event: 'radius_clients_loaded', clients: table.size },
          `${table.size} accounting clients enabled`,
        );
      } catch (err) {
        log.warn({ event: 'snapshot_bad_value', code: 'INGEST_SNAPSHOT_BAD_VALUE', key: e.key, err });
      }
      if (e.isUpdate || e.delta === 0) done();
    }
  })();
  return { loaded, loadedYet: () => loadedYet, stop: () => watch.stop() };
}

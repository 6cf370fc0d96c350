// Every Postgres repository, built once over one pool and one ChangeRunner: each change they make
// goes through the runner, which writes the audit and outbox rows in the same transaction.
import type { KeyObject } from 'node:crypto';
import type { Pool } from '@sa/platform';
import { AccountingClientsRepo } from '../adapters/pg/accounting-clients-repo.js';
import { AccountsRepo } from '../adapters/pg/accounts-repo.js';
import { BulkRepo } from '../adapters/pg/bulk-repo.js';
import { ChangeRunner } from '../adapters/pg/change-set.js';
import { DestinationsRepo } from '../adapters/pg/destinations-repo.js';
import { DeviceKeysRepo } from '../adapters/pg/device-keys-repo.js';
import { DevicesRepo } from '../adapters/pg/devices-repo.js';
import { KeysRepo } from '../adapters/pg/keys-repo.js';
import { LocationsRepo } from '../adapters/pg/locations-repo.js';
import { PhoneRepo } from '../adapters/pg/phone-repo.js';
import { UsersRepo } from '../adapters/pg/users-repo.js';
import type { SecretBox } from '../domain/secret-box.js';
import { OwnDataRepo } from '../own-data/own-data-repo.js';
import { UserCredentialsRepo } from '../self-service/index.js';

export type Repositories = ReturnType<typeof buildRepositories>;

/** `onCommit` runs after every commit that wrote outbox rows (it wakes the outbox relay). */
export function buildRepositories(pool: Pool, box: SecretBox, issuerKeys: KeyObject[], onCommit: () => void) {
  const changes = new ChangeRunner(pool, box);
  changes.onCommit = onCommit;
  const destinations = new DestinationsRepo(pool, changes);
  const deviceKeys = new DeviceKeysRepo(pool, changes, box);
  return {
    changes,
    accounts: new AccountsRepo(pool, changes),
    keys: new KeysRepo(pool, changes, box),
    destinations,
    deviceKeys,
    devices: new DevicesRepo(pool, changes, () => issuerKeys, deviceKeys),
    locations: new LocationsRepo(pool, changes),
    users: new UsersRepo(pool, changes),
    accountingClients: new AccountingClientsRepo(pool, changes, box),
    bulk: new BulkRepo(pool, changes, deviceKeys),
    phone: new PhoneRepo(pool, changes, destinations),
    ownData: new OwnDataRepo(pool, changes),
    credentials: new UserCredentialsRepo(pool, changes),
  };
}

// What the route registrars get: the repositories and boards they use, and the provisioning
// settings enrolment payloads carry. Its own module, so that index.ts (which registers every route
// file) is not also imported by them.

import type { FollowMeBoard } from '../../../domain/followme-board.js';
import type { DevicePresence, PresenceBoard } from '../../../domain/presence-board.js';
import type { PrivacyRouteDeps } from '../../../privacy/routes.js';
import type { ReplayReset } from '../../nats/replay-reset.js';
import type { AccountingClientsRepo } from '../../pg/accounting-clients-repo.js';
import type { AccountsRepo } from '../../pg/accounts-repo.js';
import type { BulkRepo } from '../../pg/bulk-repo.js';
import type { DestinationsRepo } from '../../pg/destinations-repo.js';
import type { DeviceKeysRepo } from '../../pg/device-keys-repo.js';
import type { DevicesRepo, DeviceView } from '../../pg/devices-repo.js';
import type { KeysRepo } from '../../pg/keys-repo.js';
import type { LocationsRepo } from '../../pg/locations-repo.js';
import type { UsersRepo } from '../../pg/users-repo.js';

/** What every device answer adds to the stored device: when router last saw it. */
export type DeviceSeenFields = { lastSeenAt: string | null; presence: DevicePresence };

export interface Provisioning {
  readonly publicHost: string;
  readonly publicPort: number;
  /** more addresses of ingest that enrolment payloads list after publicHost (PUBLIC_HOST_ALTERNATES) */
  readonly alternateHosts?: readonly string[];
  readonly knockSequence: readonly number[];
}

export interface FreepbxImport {
  run(actor: string, options: { url?: string; dryRun: boolean }): Promise<ImportResult>;
}

export interface ImportResult {
  created: string[];
  skipped: { name: string; reason: string }[];
}

export interface RouteDeps {
  readonly devices: DevicesRepo;
  readonly deviceKeys: DeviceKeysRepo;
  readonly destinations: DestinationsRepo;
  readonly locations: LocationsRepo;
  readonly users: UsersRepo;
  readonly keys: KeysRepo;
  readonly accounts: AccountsRepo;
  /** access points allowed to send RADIUS accounting */
  readonly accountingClients: AccountingClientsRepo;
  readonly bulk: BulkRepo;
  readonly audit: (q: { limit: number; cursor?: string; entity?: string }) => Promise<unknown>;
  readonly ping: () => Promise<void>;
  readonly presence: PresenceBoard;
  readonly followMe: FollowMeBoard;
  readonly provisioning: Provisioning;
  readonly freepbx?: FreepbxImport;
  /** asks ingest to forget a device's replay state */
  readonly replay: ReplayReset;
  /** the retention setting and the audited view of one user's presence history */
  readonly privacy: PrivacyRouteDeps;
}

/** What the enrolment routes add to RouteDeps: the device as the device routes answer it. */
export interface EnrolmentDeps extends RouteDeps {
  readonly deviceWithSeen: (d: DeviceView) => DeviceView & DeviceSeenFields;
}

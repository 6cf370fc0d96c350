// What a phone may see and do: its device, licence tier and the destinations visible to it.
import type { Pool } from '@sa/platform';
import type { DevicePermissions, Tier } from '../../domain/permissions.js';
import type { ChangeRunner } from './change-set.js';
import type { DestinationsRepo } from './destinations-repo.js';
import {
  DEVICE_SNAPSHOT_SQL,
  type DestinationRow,
  type DeviceRow,
  deviceMessage,
  targetMessage,
} from './snapshots.js';

export interface PhoneDevice {
  deviceId: string;
  extension: string;
  enabled: boolean;
  row: DeviceRow;
}

export class PhoneRepo {
  constructor(
    private readonly pool: Pool,
    private readonly changes: ChangeRunner,
    private readonly destinations: DestinationsRepo,
  ) {}

  async device(deviceId: string): Promise<DeviceRow | null> {
    const { rows } = await this.pool.query<DeviceRow>(DEVICE_SNAPSHOT_SQL, [deviceId]);
    return rows[0] ?? null;
  }

  async targets(extension: string, permissions: DevicePermissions) {
    const { rows } = await this.pool.query<DestinationRow>(
      `SELECT id, name, dial, scope, extension, created_by FROM destinations
        WHERE scope = 'generic' OR ($2 AND extension = $1) ORDER BY scope, name`,
      [extension, permissions.specificDestinations],
    );
    return rows.map(targetMessage);
  }

  createTarget(deviceId: string, name: string, dial: string) {
    return this.changes.run(`device:${deviceId}`, async (tx) => {
      const created = await this.destinations.createIn(tx, { name, dial }, `device:${deviceId}`);
      if (created.extension) tx.userChanged(created.extension);
      return created;
    });
  }
}

export type { Tier };
export { deviceMessage };

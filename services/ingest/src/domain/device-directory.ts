// Devices as admin published them (KV snapshot), by id, kept as compact records: with 100k+
// devices the decoded protobuf objects would dominate memory. Pure map; the NATS watcher feeds it.
import type { Device, DeviceDirectory, DeviceRecord } from './ports.js';

type Permissions = DeviceRecord['permissions'];

export class InMemoryDeviceDirectory implements DeviceDirectory {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly permissionSets = new Map<number, Permissions>();

  get(deviceId: string): DeviceRecord | undefined {
    return this.devices.get(deviceId);
  }

  put(device: Device): void {
    this.devices.set(device.deviceId, {
      extension: device.extension,
      enabled: device.enabled,
      tier: device.tier,
      permissions: this.intern(device.permissions),
      ownKeyId: device.ownKeyId,
    });
  }

  remove(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  get size(): number {
    return this.devices.size;
  }

  private intern(p: Device['permissions']): Permissions {
    const value = {
      genericDestinations: p?.genericDestinations ?? false,
      specificDestinations: p?.specificDestinations ?? false,
      createTargets: p?.createTargets ?? false,
    };
    const id = +value.genericDestinations | (+value.specificDestinations << 1) | (+value.createTargets << 2);
    let shared = this.permissionSets.get(id);
    if (!shared) {
      shared = Object.freeze(value);
      this.permissionSets.set(id, shared);
    }
    return shared;
  }
}

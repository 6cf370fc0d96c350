// Devices as admin published them (KV snapshot), by id. Pure map; the NATS watcher feeds it.
import type { Device, DeviceDirectory } from './ports.js';

export class InMemoryDeviceDirectory implements DeviceDirectory {
  private readonly devices = new Map<string, Device>();

  get(deviceId: string): Device | undefined {
    return this.devices.get(deviceId);
  }

  put(device: Device): void {
    this.devices.set(device.deviceId, device);
  }

  remove(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  get size(): number {
    return this.devices.size;
  }
}

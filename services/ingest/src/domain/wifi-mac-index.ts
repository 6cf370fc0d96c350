// Which registered device a Wi-Fi MAC belongs to, from admin's device snapshot (Device.wifi_macs).
// Only registered MACs are ever held here: RADIUS accounting for any other station is answered and
// forgotten (docs/radius.md, privacy). Pure; the snapshot watcher feeds it.
import { normalizeMac } from './mac-address.js';

export class WifiMacIndex {
  private readonly deviceByMac = new Map<string, string>();
  private readonly macsByDevice = new Map<string, readonly string[]>();

  /** Replaces the device's MACs; returns the entries it could not use (bad spelling, another device's MAC). */
  put(deviceId: string, macs: readonly string[]): string[] {
    this.remove(deviceId);
    const problems: string[] = [];
    const kept: string[] = [];
    for (const raw of macs) {
      const mac = normalizeMac(raw);
      if (!mac) {
        problems.push(`device ${deviceId}: "${raw}" is not a MAC address`);
        continue;
      }
      const owner = this.deviceByMac.get(mac);
      if (owner !== undefined && owner !== deviceId) {
        problems.push(`device ${deviceId}: ${mac} already belongs to device ${owner}`);
        continue;
      }
      this.deviceByMac.set(mac, deviceId);
      kept.push(mac);
    }
    if (kept.length > 0) this.macsByDevice.set(deviceId, kept);
    return problems;
  }

  remove(deviceId: string): void {
    for (const mac of this.macsByDevice.get(deviceId) ?? []) this.deviceByMac.delete(mac);
    this.macsByDevice.delete(deviceId);
  }

  /** `mac` already normalised */
  deviceOf(mac: string): string | undefined {
    return this.deviceByMac.get(mac);
  }

  get size(): number {
    return this.deviceByMac.size;
  }
}

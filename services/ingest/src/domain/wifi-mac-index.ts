// Which registered device a Wi-Fi MAC belongs to, from admin's device snapshot (Device.wifi_macs).
// Only registered MACs are ever held here: RADIUS accounting for any other station is answered and
// forgotten (docs/radius.md, privacy). Pure; the snapshot watcher feeds it.
//
// Admin gives a MAC to one device only, but a watch delivers a move (MAC from device A to device B)
// as two updates in either order; so every device claiming a MAC is kept, the latest claim wins, and
// when it is withdrawn the MAC falls back to the previous claimant instead of being lost.
import { normalizeMac } from './mac-address.js';

export class WifiMacIndex {
  /** claimants per MAC, latest last (almost always one) */
  private readonly claims = new Map<string, string[]>();
  private readonly macsByDevice = new Map<string, readonly string[]>();

  /** Replaces the device's MACs; returns problems (never the MAC values: they identify people). */
  put(deviceId: string, macs: readonly string[]): string[] {
    this.remove(deviceId);
    const problems: string[] = [];
    const kept = new Set<string>();
    macs.forEach((raw, i) => {
      const mac = normalizeMac(raw);
      if (!mac) {
        problems.push(`device ${deviceId}: wifi_macs[${i}] is not a MAC address`);
        return;
      }
      if (kept.has(mac)) return;
      kept.add(mac);
      const claimants = this.claims.get(mac);
      if (claimants) {
        problems.push(
          `device ${deviceId}: wifi_macs[${i}] is also device ${claimants.at(-1)}'s (the latest wins)`,
        );
        claimants.push(deviceId);
      } else {
        this.claims.set(mac, [deviceId]);
      }
    });
    if (kept.size > 0) this.macsByDevice.set(deviceId, [...kept]);
    return problems;
  }

  remove(deviceId: string): void {
    for (const mac of this.macsByDevice.get(deviceId) ?? []) {
      const rest = this.claims.get(mac)?.filter((d) => d !== deviceId) ?? [];
      if (rest.length > 0) this.claims.set(mac, rest);
      else this.claims.delete(mac);
    }
    this.macsByDevice.delete(deviceId);
  }

  /** `mac` already normalised */
  deviceOf(mac: string): string | undefined {
    return this.claims.get(mac)?.at(-1);
  }

  /** distinct MACs known */
  get size(): number {
    return this.claims.size;
  }
}

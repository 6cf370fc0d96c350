// Devices as admin published them (KV snapshot), by id. With 100k+ devices per-device objects
// would dominate memory, so each known device gets a slot: one Map entry (id -> slot number) plus a
// few bytes in typed arrays, extensions interned, permission sets shared. `get` builds a short-lived
// record. The slot also indexes the per-device rate-limit buckets (see SlotTokenBuckets), so their
// memory is bounded by the number of registered devices. Pure; the NATS watcher feeds it.
import type { Device, DeviceDirectory, DeviceRecord } from './ports.js';

type Permissions = DeviceRecord['permissions'];

const ENABLED = 1;
const OWN_KEY = 2;
const PERMISSION_SHIFT = 2; // bits 2..4: generic, specific, create

export interface DeviceDirectoryOptions {
  /** a slot now belongs to a device it did not belong to before (reset what is kept per slot) */
  readonly onSlotAssigned?: (slot: number) => void;
}

export class InMemoryDeviceDirectory implements DeviceDirectory {
  private readonly slots = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private capacity = 0;
  private flags = new Uint8Array(0);
  private tiers = new Int32Array(0);
  private extensionOf = new Int32Array(0);
  /** every distinct extension seen since start (admin-controlled, small), by index */
  private readonly extensions: string[] = [];
  private readonly extensionIndex = new Map<string, number>();
  private readonly permissionSets: Permissions[] = [];

  constructor(private readonly options: DeviceDirectoryOptions = {}) {
    for (let id = 0; id < 8; id++) {
      this.permissionSets.push(
        Object.freeze({
          genericDestinations: (id & 1) !== 0,
          specificDestinations: (id & 2) !== 0,
          createTargets: (id & 4) !== 0,
        }),
      );
    }
  }

  get(deviceId: string): DeviceRecord | undefined {
    const slot = this.slots.get(deviceId);
    if (slot === undefined) return undefined;
    const f = this.flags[slot]!;
    return {
      slot,
      extension: this.extensions[this.extensionOf[slot]!]!,
      enabled: (f & ENABLED) !== 0,
      tier: this.tiers[slot]!,
      permissions: this.permissionSets[f >> PERMISSION_SHIFT]!,
      ownKey: (f & OWN_KEY) !== 0,
    };
  }

  put(device: Device): void {
    let slot = this.slots.get(device.deviceId);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.slots.size;
      if (slot >= this.capacity) this.grow();
      this.slots.set(device.deviceId, slot);
      this.options.onSlotAssigned?.(slot);
    }
    const p = device.permissions;
    const permissionId =
      +(p?.genericDestinations ?? false) |
      (+(p?.specificDestinations ?? false) << 1) |
      (+(p?.createTargets ?? false) << 2);
    this.flags[slot] =
      (device.enabled ? ENABLED : 0) | (device.enrolled ? OWN_KEY : 0) | (permissionId << PERMISSION_SHIFT);
    this.tiers[slot] = device.tier ?? 0;
    this.extensionOf[slot] = this.intern(device.extension ?? '');
  }

  remove(deviceId: string): void {
    const slot = this.slots.get(deviceId);
    if (slot === undefined) return;
    this.slots.delete(deviceId);
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
  }

  get size(): number {
    return this.slots.size;
  }

  private intern(extension: string): number {
    let i = this.extensionIndex.get(extension);
    if (i === undefined) {
      i = this.extensions.length;
      this.extensions.push(extension);
      this.extensionIndex.set(extension, i);
    }
    return i;
  }

  private grow(): void {
    this.capacity = Math.max(1024, this.capacity * 2);
    const flags = new Uint8Array(this.capacity);
    flags.set(this.flags);
    this.flags = flags;
    const tiers = new Int32Array(this.capacity);
    tiers.set(this.tiers);
    this.tiers = tiers;
    const ext = new Int32Array(this.capacity);
    ext.set(this.extensionOf);
    this.extensionOf = ext;
  }
}

// Each enrolled device's own keys (DeviceKeys snapshots from admin, one per device), and which
// device owns a key id, so a packet under a colleague's key is told apart from an unknown key.
// Key ids come from the same sequence as the server keys, so one id names one key. Pure.
import { createSecretKey } from 'node:crypto';
import { deriveEnvelopeKey, isValidServerSecret } from '@sa/phone-protocol';
import type { v1 } from '@sa/proto';
import { keyState, type RingKey } from './key-ring.js';

type DeviceKeysMessage = InstanceType<typeof v1.DeviceKeys>;

export class DeviceKeyTable {
  private readonly byDevice = new Map<string, ReadonlyMap<number, RingKey>>();
  private readonly ownerOf = new Map<number, string>();

  /** Replaces one device's keys. Returns problems (a key that is not 16 letters or digits is skipped). */
  put(message: DeviceKeysMessage): string[] {
    const deviceId = message.deviceId ?? '';
    this.remove(deviceId);
    const problems: string[] = [];
    const keys = new Map<number, RingKey>();
    for (const raw of message.keys ?? []) {
      const keyId = raw.keyId ?? 0;
      const secret = Buffer.from(raw.secret ?? []).toString('latin1');
      if (!isValidServerSecret(secret)) {
        problems.push(`device ${deviceId} key ${keyId}: secret is not 16 letters or digits`);
        continue;
      }
      keys.set(keyId, {
        keyId,
        key: createSecretKey(deriveEnvelopeKey(secret, deviceId)),
        state: keyState(raw.state ?? 0),
        notAfterMs: Number(raw.notAfterMs ?? 0),
        ownerDeviceId: deviceId,
        isDefault: false,
      });
      this.ownerOf.set(keyId, deviceId);
    }
    if (keys.size > 0) this.byDevice.set(deviceId, keys);
    return problems;
  }

  remove(deviceId: string): void {
    const old = this.byDevice.get(deviceId);
    if (!old) return;
    for (const keyId of old.keys()) if (this.ownerOf.get(keyId) === deviceId) this.ownerOf.delete(keyId);
    this.byDevice.delete(deviceId);
  }

  /** The device's own key with this id (in any state), or undefined. */
  get(deviceId: string, keyId: number): RingKey | undefined {
    return this.byDevice.get(deviceId)?.get(keyId);
  }

  /** The device a key id belongs to, if it is any device's key. */
  owner(keyId: number): string | undefined {
    return this.ownerOf.get(keyId);
  }

  /** how many devices have keys (readiness and logs) */
  get size(): number {
    return this.byDevice.size;
  }
}

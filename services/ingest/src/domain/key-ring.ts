// The keys ingest accepts, rebuilt from the KeyRingChanged snapshot. Pure: no I/O.
import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  DEFAULT_KEY_ID,
  DEFAULT_SERVER_SECRET,
  deriveEnvelopeKey,
  isValidServerSecret,
} from '@sa/phone-protocol';
import { v1 } from '@sa/proto';

type KeyRingMessage = InstanceType<typeof v1.KeyRingChanged>;

export type KeyState = 'active' | 'retiring' | 'retired';

export interface RingKey {
  readonly keyId: number;
  readonly key: KeyObject;
  readonly state: KeyState;
  /** 0 = no end */
  readonly notAfterMs: number;
  /** non-empty: a device's own key, valid for that device only */
  readonly ownerDeviceId: string;
  readonly isDefault: boolean;
}

export interface KeyRingSummary {
  readonly source: 'default' | 'snapshot';
  readonly keyIds: readonly number[];
  readonly defaultKeyInUse: boolean;
  /** the administrator turned the server keys off: only enrolled devices' own keys are accepted */
  readonly serverKeysDisabled: boolean;
}

const STATES: Record<number, KeyState> = {
  [v1.KeyState.KEY_STATE_ACTIVE]: 'active',
  [v1.KeyState.KEY_STATE_RETIRING]: 'retiring',
};

export const keyState = (state: number): KeyState => STATES[state] ?? 'retired';

export class KeyRing {
  private keys = new Map<number, RingKey>();
  private source: 'default' | 'snapshot' = 'default';
  private disabled = false;

  constructor() {
    this.useDefault();
  }

  /** Replaces the ring. `null` (bucket empty or key deleted) falls back to the default key. Returns problems. */
  replace(ring: KeyRingMessage | null): string[] {
    if (ring?.serverKeysDisabled) {
      this.keys = new Map();
      this.source = 'snapshot';
      this.disabled = true;
      return [];
    }
    this.disabled = false;
    if (!ring || ring.keys.length === 0) {
      this.useDefault();
      return [];
    }
    const problems: string[] = [];
    const next = new Map<number, RingKey>();
    for (const raw of ring.keys) {
      const k = {
        keyId: raw.keyId ?? 0,
        state: raw.state ?? 0,
        secret: Buffer.from(raw.secret ?? []).toString('latin1'),
        notAfterMs: Number(raw.notAfterMs ?? 0),
        deviceId: raw.deviceId ?? '',
        isDefault: raw.isDefault ?? false,
      };
      const state = keyState(k.state);
      const secret = k.secret;
      if (!isValidServerSecret(secret)) {
        problems.push(`key ${k.keyId}: secret is not 16 letters or digits`);
        continue;
      }
      next.set(k.keyId, {
        keyId: k.keyId,
        key: createSecretKey(deriveEnvelopeKey(secret, k.deviceId)),
        state,
        notAfterMs: k.notAfterMs,
        ownerDeviceId: k.deviceId,
        isDefault: k.isDefault || secret === DEFAULT_SERVER_SECRET,
      });
    }
    this.keys = next;
    this.source = 'snapshot';
    return problems;
  }

  /** The key to open a packet with, or undefined when this key id is not accepted for this device now. */
  lookup(keyId: number, deviceId: string, nowMs: number): RingKey | undefined {
    const k = this.keys.get(keyId);
    if (!k || !accepted(k, nowMs)) return undefined;
    if (k.ownerDeviceId !== '' && k.ownerDeviceId !== deviceId) return undefined;
    return k;
  }

  /** true once the administrator turned the server keys off for good */
  get serverKeysDisabled(): boolean {
    return this.disabled;
  }

  summary(nowMs: number): KeyRingSummary {
    const live = [...this.keys.values()].filter((k) => accepted(k, nowMs));
    return {
      source: this.source,
      keyIds: live.map((k) => k.keyId),
      defaultKeyInUse: live.some((k) => k.isDefault),
      serverKeysDisabled: this.disabled,
    };
  }

  private useDefault(): void {
    this.source = 'default';
    this.keys = new Map([
      [
        DEFAULT_KEY_ID,
        {
          keyId: DEFAULT_KEY_ID,
          key: createSecretKey(deriveEnvelopeKey(DEFAULT_SERVER_SECRET)),
          state: 'active',
          notAfterMs: 0,
          ownerDeviceId: '',
          isDefault: true,
        },
      ],
    ]);
  }
}

export function accepted(k: RingKey, nowMs: number): boolean {
  if (k.state === 'retired') return false;
  if (k.state === 'retiring') return nowMs < k.notAfterMs;
  return k.notAfterMs === 0 || nowMs < k.notAfterMs;
}

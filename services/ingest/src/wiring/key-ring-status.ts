// What ingest says about its keys: the readiness details (/ready) and the warning logged when the
// well-known default phone key is accepted, once per time it becomes accepted (at start and on
// every key-ring change), so a fixed ring does not keep repeating it.
import { DEFAULT_SERVER_SECRET } from '@sa/phone-protocol';
import type { Logger } from '@sa/platform';
import type { KeyRing } from '../domain/key-ring.js';

export interface ReadinessSources {
  readonly keyRing: KeyRing;
  readonly devices: { readonly size: number };
  readonly deviceKeys: { readonly size: number };
  readonly radius: { readiness(): Record<string, unknown> } | undefined;
  readonly nowMs: () => number;
}

export function ingestReadiness(s: ReadinessSources): () => Record<string, unknown> {
  return () => {
    const ring = s.keyRing.summary(s.nowMs());
    return {
      defaultKeyInUse: ring.defaultKeyInUse,
      keyRingSource: ring.source,
      acceptedKeyIds: ring.keyIds,
      serverKeysDisabled: ring.serverKeysDisabled,
      devicesKnown: s.devices.size,
      devicesWithOwnKeys: s.deviceKeys.size,
      ...s.radius?.readiness(),
      ...(ring.defaultKeyInUse
        ? { warning: `the default phone key ${DEFAULT_SERVER_SECRET} is accepted: set a new one` }
        : {}),
    };
  };
}

export function defaultKeyWarner(keyRing: KeyRing, logger: Logger, nowMs: () => number): () => void {
  let warned = false;
  return () => {
    const inUse = keyRing.summary(nowMs()).defaultKeyInUse;
    if (inUse && !warned) {
      logger.warn(
        { event: 'default_key_in_use' },
        `the default phone key ${DEFAULT_SERVER_SECRET} is accepted; anyone can forge presence: run smart-set-secret`,
      );
    }
    warned = inUse;
  };
}

// Follows admin's KV snapshots: devices (key = device id, value = Device), server keys (key "ring",
// value = KeyRingChanged) and device keys (key = device id, value = DeviceKeys). A watch delivers
// the current state first, then every change.
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { Logger } from '@sa/platform';
import { decodeMessage, v1 } from '@sa/proto';
import type { InMemoryDeviceDirectory } from '../../domain/device-directory.js';
import type { DeviceKeyTable } from '../../domain/device-keys.js';
import type { KeyRing } from '../../domain/key-ring.js';
import type { Device } from '../../domain/ports.js';
import type { WifiMacIndex } from '../../domain/wifi-mac-index.js';

export type SnapshotState = 'loading' | 'ready' | 'stopped';

export interface SnapshotWatcher {
  /** resolves when both buckets' current state is loaded */
  readonly loaded: Promise<void>;
  state(): SnapshotState;
  stop(): void;
}

export interface SnapshotTargets {
  readonly directory: InMemoryDeviceDirectory;
  readonly keyRing: KeyRing;
  readonly deviceKeys: DeviceKeyTable;
  /** the devices' Wi-Fi MACs, for RADIUS accounting */
  readonly wifiMacs: WifiMacIndex;
}

export async function watchSnapshots(
  buckets: { devices: KV; keys: KV; deviceKeys: KV },
  { directory, keyRing, deviceKeys, wifiMacs }: SnapshotTargets,
  logger: Logger,
  onKeyRingChanged: () => void,
): Promise<SnapshotWatcher> {
  const log = logger.child({ component: 'snapshots' });
  let state: SnapshotState = 'loading';
  const devicesWatch = await buckets.devices.watch();
  const keysWatch = await buckets.keys.watch({ key: 'ring' });
  const deviceKeysWatch = await buckets.deviceKeys.watch();

  const devicesLoaded = follow(devicesWatch, buckets.devices, log, (e) => {
    if (e.operation !== 'PUT') {
      directory.remove(e.key);
      wifiMacs.remove(e.key);
      return;
    }
    const device = decodeMessage(v1.Device, e.value, 'Device') as Device;
    if (device.deviceId !== e.key) throw new Error(`device_id "${device.deviceId}" does not match its key`);
    directory.put(device);
    for (const problem of wifiMacs.put(device.deviceId, device.wifiMacs ?? []))
      log.warn({ event: 'wifi_mac_problem' }, problem);
  });
  const keysLoaded = follow(keysWatch, buckets.keys, log, (e) => {
    const ring = e.operation === 'PUT' ? v1.KeyRingChanged.decode(e.value) : null;
    for (const problem of keyRing.replace(ring)) log.warn({ event: 'key_ring_problem' }, problem);
    onKeyRingChanged();
  });
  const deviceKeysLoaded = follow(deviceKeysWatch, buckets.deviceKeys, log, (e) => {
    if (e.operation !== 'PUT') {
      deviceKeys.remove(e.key);
      return;
    }
    const message = decodeMessage(v1.DeviceKeys, e.value, 'DeviceKeys');
    if (message.deviceId !== e.key) throw new Error(`device_id "${message.deviceId}" does not match its key`);
    for (const problem of deviceKeys.put(message)) log.warn({ event: 'key_ring_problem' }, problem);
  });
  const loaded = Promise.all([devicesLoaded, keysLoaded, deviceKeysLoaded]).then(() => {
    if (state === 'loading') state = 'ready';
    log.info(
      { event: 'snapshots_loaded', devices: directory.size, enrolledWithKeys: deviceKeys.size },
      'devices and keys loaded',
    );
  });
  return {
    loaded,
    state: () => state,
    stop: () => {
      state = 'stopped';
      devicesWatch.stop();
      keysWatch.stop();
      deviceKeysWatch.stop();
    },
  };
}

/**
 * Applies every entry of the watch (a bad value is logged and skipped); resolves once the bucket's
 * current state is applied (at once for an empty bucket).
 */
async function follow(
  watch: AsyncIterable<KvWatchEntry>,
  bucket: KV,
  log: Logger,
  apply: (e: KvWatchEntry) => void,
): Promise<void> {
  const initial = (await bucket.status()).values;
  let done: () => void = () => {};
  const loaded = new Promise<void>((resolve) => {
    done = resolve;
  });
  if (initial === 0) done();
  void (async () => {
    for await (const e of watch) {
      try {
        apply(e);
      } catch (err) {
        log.warn({
          event: 'snapshot_bad_value',
          code: 'INGEST_SNAPSHOT_BAD_VALUE',
          key: e.key,
          err,
        });
      }
      if (e.isUpdate || e.delta === 0) done();
    }
  })();
  return loaded;
}

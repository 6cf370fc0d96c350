// What the admin snapshots fill (key ring, per-device keys, device directory, Wi-Fi MACs) and the
// watcher that fills them. Start waits for the first load at most SNAPSHOT_WAIT_MS: ingest starts
// without it (and reports not ready) rather than not at all when the bus is slow.
import type { HealthCheck, Logger } from '@sa/platform';
import { type SnapshotWatcher, watchSnapshots } from '../adapters/nats/snapshot-watcher.js';
import { InMemoryDeviceDirectory } from '../domain/device-directory.js';
import { DeviceKeyTable } from '../domain/device-keys.js';
import { KeyRing } from '../domain/key-ring.js';
import { WifiMacIndex } from '../domain/wifi-mac-index.js';

export class SnapshotCache {
  readonly keyRing = new KeyRing();
  readonly deviceKeys = new DeviceKeyTable();
  readonly devices: InMemoryDeviceDirectory;
  readonly wifiMacs = new WifiMacIndex();
  private watcher: SnapshotWatcher | undefined;

  constructor(directory: ConstructorParameters<typeof InMemoryDeviceDirectory>[0]) {
    this.devices = new InMemoryDeviceDirectory(directory);
  }

  readonly health: HealthCheck = () => ({
    status: this.watcher?.state() === 'ready' ? 'up' : 'down',
    detail: this.watcher?.state() ?? 'not started',
  });

  async start(
    buckets: Parameters<typeof watchSnapshots>[0],
    waitMs: number,
    logger: Logger,
    onKeyRingChanged: () => void,
  ): Promise<void> {
    const targets = {
      directory: this.devices,
      keyRing: this.keyRing,
      deviceKeys: this.deviceKeys,
      wifiMacs: this.wifiMacs,
    };
    this.watcher = await watchSnapshots(buckets, targets, logger, onKeyRingChanged);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, waitMs, 'timeout').unref());
    if ((await Promise.race([this.watcher.loaded, timeout])) === 'timeout') {
      logger.warn(
        { event: 'snapshots_slow' },
        'devices/keys snapshot not loaded yet; starting anyway (not ready)',
      );
    }
  }

  stop(): void {
    this.watcher?.stop();
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import { InMemoryDeviceDirectory } from './device-directory.js';
import type { Device } from './ports.js';

const device = (deviceId: string, extra: Partial<Device> = {}) =>
  v1.Device.create({ deviceId, extension: '201', enabled: true, tier: 2, ...extra }) as Device;

describe('InMemoryDeviceDirectory', () => {
  it('given a device with permissions and its own key, when looked up, then every field comes back', () => {
    const dir = new InMemoryDeviceDirectory();
    dir.put(
      device('a', { enrolled: true, permissions: { specificDestinations: true, createTargets: true } }),
    );
    dir.put(device('b', { enabled: false, extension: '7#', tier: 1 }));
    assert.deepEqual(dir.get('a'), {
      slot: 0,
      extension: '201',
      enabled: true,
      tier: 2,
      permissions: { genericDestinations: false, specificDestinations: true, createTargets: true },
      ownKey: true,
    });
    const b = dir.get('b');
    assert.equal(b?.enabled, false);
    assert.equal(b?.extension, '7#');
    assert.equal(b?.tier, 1);
    assert.equal(b?.ownKey, false);
    assert.equal(dir.get('c'), undefined);
  });

  it('given an update, when looked up, then it keeps its slot and shows the new values', () => {
    const assigned: number[] = [];
    const dir = new InMemoryDeviceDirectory({ onSlotAssigned: (s) => assigned.push(s) });
    dir.put(device('a'));
    dir.put(device('a', { enabled: false, extension: '300' }));
    assert.deepEqual(assigned, [0]);
    assert.equal(dir.get('a')?.enabled, false);
    assert.equal(dir.get('a')?.extension, '300');
  });

  it('given removals, when new devices arrive, then freed slots are reused and announced, and memory stays dense', () => {
    const assigned: number[] = [];
    const dir = new InMemoryDeviceDirectory({ onSlotAssigned: (s) => assigned.push(s) });
    for (let i = 0; i < 3000; i++) dir.put(device(`d${i}`, { extension: String(1000 + (i % 10)) }));
    dir.remove('d5');
    dir.remove('d7');
    dir.remove('nope');
    assert.equal(dir.size, 2998);
    assert.equal(dir.get('d5'), undefined);
    dir.put(device('new-1'));
    dir.put(device('new-2'));
    dir.put(device('new-3'));
    assert.deepEqual(assigned.slice(-3), [7, 5, 3000]);
    assert.equal(dir.get('new-1')?.slot, 7);
    assert.equal(dir.get('d2999')?.extension, '1009');
    assert.equal(dir.get('d2999')?.slot, 2999);
  });
});

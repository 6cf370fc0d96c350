import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from '@sa/platform';
import type { RouterEvent } from '../domain/types.js';
import {
  confNet,
  net,
  officeNet,
  officeRules,
  presence,
  settings,
  T0,
} from '../test-support/engine-fixtures.js';
import { DecisionProcessor } from './decision-processor.js';
import type { CommitOutcome, DeviceReport, StoredUser, UserCommit, UserStateStore } from './ports.js';
import { OwnedStateCache } from './state-cache.js';

/** Redis stand-in whose commits are held until the test releases them (a slow commit in flight). */
class GatedStore implements Pick<UserStateStore, 'load' | 'commit'> {
  readonly rows = new Map<string, StoredUser>();
  readonly applied: string[] = [];
  private gates: (() => void)[] = [];
  hold = true;
  failNext = false;
  async load(extensions: readonly string[]) {
    return new Map(extensions.flatMap((e) => (this.rows.has(e) ? [[e, this.rows.get(e)!] as const] : [])));
  }
  async commit(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    if (this.hold) await new Promise<void>((r) => this.gates.push(r));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Redis went away');
    }
    return commits.map((c) => {
      if ((this.rows.get(c.extension)?.rev ?? 0) !== c.expectedRev) return 'conflict';
      this.rows.set(c.extension, { rev: c.expectedRev + 1, epoch: c.epoch, state: c.state });
      this.applied.push(`${c.extension}@${c.expectedRev + 1}`);
      return 'committed';
    });
  }
  get waiting() {
    return this.gates.length;
  }
  release() {
    for (const g of this.gates.splice(0)) g();
  }
}

const logger = createLogger('router-test', 'silent');

function rig() {
  const store = new GatedStore();
  const reports: DeviceReport[] = [];
  const cache = new OwnedStateCache(1);
  cache.open(0);
  const processor = new DecisionProcessor({
    store: store as unknown as UserStateStore,
    rules: { get: () => officeRules(), extensions: () => [] },
    effects: { push: () => {} },
    reports: { deviceReported: (r) => reports.push(r) },
    settings: { ...settings, hysteresisReports: 1 },
    clock: () => T0 + 60_000,
    logger,
    cache,
  });
  return { store, cache, processor, reports };
}

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 1000 && !probe(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(probe(), 'condition not reached');
};
const batch = (entries: Record<string, RouterEvent[]>) => new Map(Object.entries(entries));

describe('pipelined batches', () => {
  test('given a batch whose commit is in flight, when the next batch shares one user, then its other users commit at once and the shared user after the first, on top of its state', async () => {
    const { store, cache, processor } = rig();
    const first = processor.process(0, 1, batch({ 230: [presence(T0, officeNet, [], 'D1', 1)] }));
    await until(() => store.waiting === 1);
    store.hold = false;
    const second = processor.process(
      0,
      1,
      batch({ 230: [presence(T0 + 1000, confNet, [], 'D1', 2)], 231: [presence(T0, confNet, [], 'D9', 1)] }),
    );
    await until(() => store.applied.includes('231@1'));
    assert.deepEqual(store.applied, ['231@1'], 'the shared user waits for the first batch');
    store.release();
    await Promise.all([first, second]);
    assert.deepEqual(store.applied, ['231@1', '230@1', '230@2']);
    const user = cache.lookup('230')!;
    assert.equal(user.rev, 2);
    assert.equal(user.state.devices.find((d) => d.id === 'D1')?.counter, 2);
    assert.equal(user.state.decision?.targetDial, '299');
    assert.equal(processor.usersInFlight, 0);
  });

  test('given a batch whose commit fails, when a later batch shares a user, then the later batch fails too instead of applying newer events over the gap', async () => {
    const { store, processor } = rig();
    store.failNext = true;
    const first = processor.process(0, 1, batch({ 230: [presence(T0, officeNet, [], 'D1', 1)] }));
    await until(() => store.waiting === 1);
    store.hold = false;
    const second = processor.process(0, 1, batch({ 230: [presence(T0 + 1000, confNet, [], 'D1', 2)] }));
    store.release();
    await assert.rejects(first, /Redis went away/);
    await assert.rejects(second, /earlier batch/);
    assert.deepEqual(store.applied, []);
    assert.equal(processor.usersInFlight, 0);
  });
});

describe('device reports (issue 15)', () => {
  test('given two reports of one device and a stale one of another in a batch, when committed, then the newest report alone is announced, with the decision after it', async () => {
    const { store, processor, reports } = rig();
    store.hold = false;
    await processor.process(0, 1, batch({ 230: [presence(T0, officeNet, [], 'D2', 5)] }));
    reports.length = 0;
    const cafe = net('CafeNet', 'de:ad:be:ef:00:01');
    await processor.process(
      0,
      1,
      batch({
        230: [
          presence(T0 + 1000, cafe, [], 'D1', 1),
          presence(T0 + 2000, cafe, [], 'D1', 2),
          presence(T0 + 3000, confNet, [], 'D2', 4),
        ],
      }),
    );
    assert.deepEqual(
      reports.map((r) => [r.extension, r.device.id, r.device.counter, r.device.seenAtMs, r.locationName]),
      [['230', 'D1', 2, T0 + 2000, '']],
    );
    assert.equal(reports[0]!.device.connected?.ssid, 'CafeNet');
    assert.ok(reports[0]!.decision, 'the decision after the report');
  });

  test('given a commit that fails, then nothing is announced', async () => {
    const { store, processor, reports } = rig();
    store.hold = false;
    store.failNext = true;
    await assert.rejects(processor.process(0, 1, batch({ 230: [presence(T0, officeNet, [], 'D1', 1)] })));
    assert.deepEqual(reports, []);
  });
});

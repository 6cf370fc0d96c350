import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger, partitionOf } from '@sa/platform';
import { step } from '../domain/scenario-engine.js';
import { emptyUserState, type RouterEvent } from '../domain/types.js';
import { confNet, officeNet, officeRules, presence, settings, T0 } from '../test-support/engine-fixtures.js';
import { CallDesk } from './call-desk.js';
import { DecisionProcessor } from './decision-processor.js';
import type { CommitOutcome, StoredUser, UserCommit, UserStateStore } from './ports.js';
import { OwnedStateCache, PartitionStates } from './state-cache.js';

/** Redis stand-in with the commit script's semantics (epoch fence, rev compare-and-set). */
class MemoryStore implements UserStateStore {
  readonly rows = new Map<string, StoredUser>();
  loads = 0;
  async load(extensions: readonly string[]) {
    this.loads += extensions.length;
    const out = new Map<string, StoredUser>();
    for (const e of extensions) {
      const r = this.rows.get(e);
      if (r) out.set(e, r);
    }
    return out;
  }
  async loadOne(extension: string) {
    this.loads++;
    return this.rows.get(extension) ?? null;
  }
  async commit(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    return commits.map((c) => {
      const cur = this.rows.get(c.extension);
      if (cur && cur.epoch > c.epoch) return 'fenced';
      if ((cur?.rev ?? 0) !== c.expectedRev) return 'conflict';
      this.rows.set(c.extension, { rev: c.expectedRev + 1, epoch: c.epoch, state: c.state });
      return 'committed';
    });
  }
  /** another writer (a previous owner) commits behind our back */
  writeBehind(extension: string, events: RouterEvent[], epoch: number) {
    const cur = this.rows.get(extension);
    const r = step(cur?.state ?? emptyUserState, events, officeRules(), T0 + 60_000, settings);
    this.rows.set(extension, { rev: (cur?.rev ?? 0) + 1, epoch, state: r.state });
  }
  async dueUsers() {
    return [];
  }
  async unpushedUsers() {
    return [];
  }
  async markPushed() {}
  async recordCall() {}
  async recentCalls() {
    return [];
  }
}

const logger = createLogger('router-test', 'silent');
const EXT = '230';

function rig(partitions = 1) {
  const store = new MemoryStore();
  const cache = new OwnedStateCache(partitions);
  const pushed: [string, string][] = [];
  const rules = { get: () => officeRules(), extensions: () => [EXT] };
  const clock = () => T0 + 60_000;
  const processor = new DecisionProcessor({
    store,
    rules,
    effects: { push: (ext, _p, d) => void pushed.push([ext, d.targetDial]) },
    settings: { ...settings, hysteresisReports: 1 },
    clock,
    logger,
    cache,
  });
  const desk = new CallDesk({ store, rules, settings, clock, logger, cache });
  return { store, cache, processor, desk, pushed };
}

const batch = (...events: RouterEvent[]) => new Map([[EXT, events]]);

describe('owned-partition state cache', () => {
  test('given a cached user, when the next batch arrives, then it is applied without reading Redis', async () => {
    const { store, cache, processor } = rig();
    cache.open(0);
    await processor.process(0, 1, batch(presence(T0, officeNet)));
    const loadsAfterFirst = store.loads;
    await processor.process(0, 1, batch(presence(T0 + 1000, confNet)));
    assert.equal(store.loads, loadsAfterFirst);
    assert.equal(cache.lookup(EXT)?.rev, 2);
    assert.deepEqual(cache.lookup(EXT)?.state, store.rows.get(EXT)?.state);
  });

  test('given another writer committed the user behind the cache, when the next batch commits, then the conflict evicts, reloads and applies on top of the newer state', async () => {
    const { store, cache, processor, pushed } = rig();
    cache.open(0);
    await processor.process(0, 1, batch(presence(T0, officeNet, [], 'D1', 1)));
    store.writeBehind(EXT, [presence(T0 + 500, officeNet, [], 'D2', 1)], 1);
    const r = await processor.process(0, 1, batch(presence(T0 + 1000, confNet, [], 'D1', 2)));
    assert.equal(r.committed, 1);
    const stored = store.rows.get(EXT)!;
    assert.equal(stored.rev, 3);
    assert.deepEqual(stored.state.devices.map((d) => d.id).sort(), ['D1', 'D2']);
    assert.deepEqual(cache.lookup(EXT), stored);
    assert.equal(pushed.at(-1)?.[1], '299');
  });

  test('given a newer owner fenced this instance, when a batch commits, then the partition reports fenced and nothing stale is cached', async () => {
    const { store, cache, processor } = rig();
    const states = cache.open(0);
    await processor.process(0, 1, batch(presence(T0, officeNet, [], 'D1', 1)));
    store.writeBehind(EXT, [presence(T0 + 500, confNet, [], 'D1', 2)], 2);
    const r = await processor.process(0, 1, batch(presence(T0 + 1000, officeNet, [], 'D1', 3)));
    assert.equal(r.fenced, true);
    cache.close(0, states);
    assert.equal(cache.lookup(EXT), undefined);
  });

  test('given a partition this instance does not own, then lookups miss and calls read the store', async () => {
    const partitions = 4;
    const { store, cache, processor, desk } = rig(partitions);
    const mine = partitionOf(EXT, partitions);
    cache.open((mine + 1) % partitions);
    await processor.process(mine, 1, batch(presence(T0, officeNet)));
    assert.equal(cache.lookup(EXT), undefined);
    const before = store.loads;
    const answer = await desk.decide('c1', EXT, '555');
    assert.equal(store.loads, before + 1);
    assert.equal(answer.targetDial, '230');
  });

  test('given an owned user, when a call arrives, then it is answered from memory with the committed decision', async () => {
    const { store, cache, processor, desk } = rig();
    cache.open(0);
    await processor.process(0, 1, batch(presence(T0, confNet)));
    store.loadOne = async () => {
      throw new Error('Redis must not be read on the call path for an owned user');
    };
    const answer = await desk.decide('c1', EXT, '555');
    assert.equal(answer.targetDial, '299');
    assert.equal(answer.version, store.rows.get(EXT)?.state.decision?.version);
  });

  test('given a closed partition map, when an old runner closes late, then the newer map stays open', () => {
    const cache = new OwnedStateCache(1);
    const old = cache.open(0);
    const fresh = cache.open(0);
    cache.close(0, old);
    assert.equal(cache.partition(0), fresh);
  });
});

test('given cached users held encoded, when a stale revision is committed, then the newer entry is kept and decodes equal to what was stored', () => {
  const states = new PartitionStates();
  const state = step(
    emptyUserState,
    [presence(T0, officeNet, [], 'D1', 1)],
    officeRules(),
    T0,
    settings,
  ).state;
  states.set(EXT, { rev: 3, epoch: 2, state });
  states.set('231', null);
  states.committed(EXT, { rev: 2, epoch: 2, state: emptyUserState });

  assert.deepEqual(states.get(EXT), { rev: 3, epoch: 2, state });
  assert.equal(states.rev(EXT), 3);
  assert.equal(states.get('231'), null);
  assert.equal(states.get('232'), undefined);
  states.committed(EXT, { rev: 4, epoch: 2, state: emptyUserState });
  assert.deepEqual(states.get(EXT)?.state, emptyUserState);
});

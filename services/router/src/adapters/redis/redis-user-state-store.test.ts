// The store against a real Redis, in both write modes: one script call per chunk of users
// (standalone Redis) and one per user (what a Redis Cluster needs). Same outcomes either way,
// except that a fenced chunk writes nothing at all in chunk mode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from '@sa/platform';
import { testUrls, uniqueName } from '@sa/testkit';
import { step } from '../../domain/scenario-engine.js';
import { emptyUserState } from '../../domain/types.js';
import type { CallRecord, UserCommit } from '../../routing/ports.js';
import {
  confNet,
  officeNet,
  officeRules,
  presence,
  settings,
  T0,
} from '../../test-support/engine-fixtures.js';
import { routerKeys } from './keys.js';
import { RedisUserStateStore } from './redis-user-state-store.js';

// without change-driven presence, so the lone device keeps its own timeout in the due set
const noQuiet = { ...settings, quietPresence: false };
const office = step(emptyUserState, [presence(T0, officeNet)], officeRules(), T0, noQuiet);
const conference = step(office.state, [presence(T0 + 1000, confNet)], officeRules(), T0 + 1000, noQuiet);

function commitOf(extension: string, expectedRev: number, epoch: number, r = office): UserCommit {
  return {
    extension,
    partition: 0,
    expectedRev,
    epoch,
    state: r.state,
    nextDeadlineMs: r.nextDeadlineMs,
    changed: r.changed,
  };
}

const call = (extension: string, callId: string): CallRecord => ({
  callId,
  extension,
  callerIdNum: '100',
  targetDial: '230',
  scenarioId: 'desk',
  reason: 'test',
  decidedAtMs: T0,
  fallback: false,
  version: 1,
});

for (const perUserScripts of [false, true]) {
  describe(`Redis user state store (${perUserScripts ? 'one script per user' : 'one script per chunk'})`, () => {
    const redis = new Redis(testUrls.redis);
    const keys = routerKeys(uniqueName('store'));
    const store = new RedisUserStateStore(redis, keys, {
      callLogLength: 2,
      callLogTtlS: 3600,
      perUserScripts,
    });

    before(async () => {
      assert.ok(Number.isFinite(office.nextDeadlineMs) && office.changed && office.state.decision);
    });
    after(async () => {
      const found = await redis.keys(keys.all);
      if (found.length > 0) await redis.del(...found);
      await redis.quit();
    });

    test('given new users, when committed, then state, due set and unpushed set are written together', async () => {
      const out = await store.commit([commitOf('201', 0, 1), commitOf('202', 0, 1)]);
      assert.deepEqual(out, ['committed', 'committed']);
      const loaded = await store.load(['201', '202', '299']);
      assert.deepEqual([...loaded.keys()], ['201', '202']);
      assert.equal(loaded.get('201')!.rev, 1);
      assert.deepEqual(loaded.get('201')!.state.decision, office.state.decision);
      assert.equal(Number(await redis.zscore(keys.due(0), '202')), office.nextDeadlineMs);
      assert.equal(Number(await redis.zscore(keys.unpushed(0), '201')), office.state.decision!.version);
    });

    test('given one stale revision in a chunk, then only that user conflicts and keeps its state', async () => {
      const out = await store.commit([commitOf('201', 0, 1, conference), commitOf('202', 1, 1, conference)]);
      assert.deepEqual(out, ['conflict', 'committed']);
      const loaded = await store.load(['201', '202']);
      assert.equal(loaded.get('201')!.rev, 1);
      assert.deepEqual(loaded.get('201')!.state.decision, office.state.decision);
      assert.equal(loaded.get('202')!.rev, 2);
      assert.deepEqual(loaded.get('202')!.state.decision, conference.state.decision);
    });

    test('given a user already written by a newer epoch, then the commit is fenced and that user untouched', async () => {
      assert.deepEqual(await store.commit([commitOf('203', 0, 5)]), ['committed']);
      const out = await store.commit([commitOf('204', 0, 4), commitOf('203', 1, 4, conference)]);
      assert.equal(out[1], 'fenced');
      const loaded = await store.load(['203', '204']);
      assert.equal(loaded.get('203')!.epoch, 5);
      assert.deepEqual(loaded.get('203')!.state.decision, office.state.decision);
      // chunk mode writes nothing of a fenced chunk; per-user mode commits the others
      assert.equal(loaded.has('204'), perUserScripts);
      assert.equal(out[0], perUserScripts ? 'committed' : 'fenced');
    });

    test('given a user with nothing left to wait for, when committed, then it leaves the due set', async () => {
      const done = { ...commitOf('202', 2, 1, conference), nextDeadlineMs: Number.POSITIVE_INFINITY };
      assert.deepEqual(await store.commit([done]), ['committed']);
      assert.equal(await redis.zscore(keys.due(0), '202'), null);
      const also = perUserScripts ? ['204'] : []; // committed beside the fenced user in per-user mode
      assert.deepEqual(await store.dueUsers(0, Number.MAX_SAFE_INTEGER, 10), ['201', '203', ...also]);
    });

    test('given confirmations, then a user leaves the unpushed set only when no newer version is pending', async () => {
      const v = office.state.decision!.version;
      await Promise.all([store.markPushed(0, '201', v - 1), store.markPushed(0, '203', v)]);
      const also = perUserScripts ? ['204'] : [];
      assert.deepEqual(await store.unpushedUsers(0, 10), ['201', '202', ...also]);
    });

    test('given calls of one tick for several users, then each log keeps the newest entries, capped, with a TTL', async () => {
      await Promise.all([
        store.recordCall(call('201', 'a')),
        store.recordCall(call('201', 'b')),
        store.recordCall(call('202', 'c')),
        store.recordCall(call('201', 'd')),
      ]);
      assert.deepEqual(
        (await store.recentCalls('201')).map((c) => c.callId),
        ['d', 'b'],
      );
      assert.deepEqual(await store.recentCalls('202'), [call('202', 'c')]);
      const ttl = await redis.ttl(keys.callLog('201'));
      assert.ok(ttl > 3500 && ttl <= 3600, String(ttl));
    });
  });
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from '@sa/platform';
import { IngestError } from '../../errors.js';
import { RedisReplayGuard } from './replay-guard.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisReplayGuard', () => {
  const keyPrefix = `t_${randomBytes(4).toString('hex')}:ingest:`;
  const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  after(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('given one batch holding fresh counters, duplicates and a too-old counter, when checked, then each gets the right answer', async () => {
    const guard = new RedisReplayGuard(redis, { keyPrefix, window: 100, markerTtlMs: 60_000 });
    const checks: Array<[string, number]> = [];
    for (let d = 0; d < 50; d++) checks.push([`dev${d}`, 1000], [`dev${d}`, 1001], [`dev${d}`, 1000]);
    checks.push(['dev0', 10]); // more than the window below the highest (1001) in the same batch
    const results = await Promise.all(checks.map(([id, c]) => guard.firstUse(id, c)));
    const expected = [];
    for (let d = 0; d < 50; d++) expected.push(true, true, false);
    expected.push(false);
    assert.deepEqual(results, expected);
    assert.equal(await guard.firstUse('dev1', 1001), false, 'a later batch sees the earlier one');
  });

  it('given a highest accepted counter H and the window W = 1024, when counters at the window edges arrive in order, then each gets what docs/protocol.md section 6 says', async () => {
    const W = 1024;
    const guard = new RedisReplayGuard(redis, { keyPrefix, window: W, markerTtlMs: 60_000 });
    const H = 100_000;
    // [counter, accepted?, why] in the order sent; each row sees the state the rows above left
    const table: Array<[number, boolean, string]> = [
      [H, true, 'first counter of the device: nothing remembered yet'],
      [H, false, 'H again: seen'],
      [H - W - 1, false, 'H - W - 1: more than W below H, too old'],
      [H - W, true, 'H - W: exactly W below H, inside the window'],
      [H - W, false, 'H - W again: seen'],
      [H - 1, true, 'H - 1: inside the window, not seen'],
      [H + 1, true, 'H + 1: above H, becomes the new highest'],
      [H - W - 1, false, 'H - W - 1 again: still too old'],
      [H + 1 - W, true, 'H + 1 - W: exactly W below the new highest H + 1, not seen'],
    ];
    for (const [counter, accepted, why] of table) {
      assert.equal(await guard.firstUse('edge-dev', counter), accepted, why);
    }
  });

  it('given the store is unreachable, when checked, then the promise fails with the replay-store code', async () => {
    const broken = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    broken.on('error', () => {});
    const guard = new RedisReplayGuard(broken, { keyPrefix, window: 100, markerTtlMs: 60_000 });
    await assert.rejects(guard.firstUse('dev', 1), (err: unknown) => {
      return err instanceof IngestError && err.code === 'INGEST_REPLAY_STORE_UNAVAILABLE';
    });
    broken.disconnect();
  });
});

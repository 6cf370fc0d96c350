import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from '@sa/platform';
import { deleteRedisKeys, testUrls, uniqueName } from './isolation.js';

test('given keys under a prefix and beside it, when deleting by pattern, then only the matching keys go', async () => {
  const redis = new Redis(testUrls.redis);
  const mine = uniqueName('del');
  const other = uniqueName('keep');
  try {
    // more keys than one SCAN page, so the cursor loop is exercised
    const keys = Array.from({ length: 6000 }, (_, i) => `{${mine}}:${i}`);
    for (let i = 0; i < keys.length; i += 1000)
      await redis.mset(...keys.slice(i, i + 1000).flatMap((k) => [k, '1']));
    await redis.set(`{${other}}:0`, '1');
    await deleteRedisKeys(redis, `{${mine}}:*`);
    assert.equal((await redis.keys(`{${mine}}:*`)).length, 0);
    assert.equal(await redis.get(`{${other}}:0`), '1');
  } finally {
    await redis.del(`{${other}}:0`);
    await redis.quit();
  }
});

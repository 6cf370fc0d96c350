// Router's quiet marks against ingest's tombstones, on the real Redis: a mark of an older report
// never replaces the tombstone of a report ingest published since (router has not applied it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { quietPresenceKeys, quietTombstone, Redis } from '@sa/platform';
import { type DeviceRecord, Evidence } from '../../domain/types.js';
import { RedisQuietPresence } from './redis-quiet-presence.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `quietmark${randomBytes(4).toString('hex')}`;
const keys = quietPresenceKeys(prefix);
const marks = new RedisQuietPresence(redis, prefix, { visibleRssiMinDbm: -75, maxVisible: 3 });
after(async () => {
  await redis.del(keys.quiet('d1'), keys.liveness);
  redis.disconnect();
});

const device = (counter: number, quiet: boolean): DeviceRecord => ({
  id: 'd1',
  counter,
  choiceCounter: 0,
  seenAtMs: 1000,
  connected: { ssid: 'Corp', bssid: 'aa:bb:cc:00:00:01', rssiDbm: -50 },
  visible: [],
  location: 'office',
  evidence: Evidence.connectedBssid,
  candidate: null,
  candidateCount: 0,
  candidateSinceMs: 0,
  quiet,
});

test('given ingest published report 7 (tombstone), when router marks or unmarks from report 6, then the tombstone stays; from report 7 the mark is written', async () => {
  await redis.set(keys.quiet('d1'), quietTombstone(7));
  await marks.publish([{ extension: '201', device: device(6, true) }]);
  assert.equal(await redis.get(keys.quiet('d1')), '~7', 'an older mark does not replace it');
  await marks.publish([{ extension: '201', device: device(6, false) }]);
  assert.equal(await redis.get(keys.quiet('d1')), '~7', 'nor does an older take-back');
  await marks.publish([{ extension: '201', device: device(7, true) }]);
  assert.match(String(await redis.get(keys.quiet('d1'))), /^-75\|3\|Corp/, 'the mark of report 7');
  await marks.publish([{ extension: '201', device: device(8, false) }]);
  assert.equal(await redis.get(keys.quiet('d1')), null, 'taken back');
});

// ingest's Redis adapters on a Redis Cluster (three primaries): the replay guard's script keeps its
// two keys in the device's slot, and the quiet-presence keys share the liveness key's slot, so
// ingest's MGET and router's pipeline (set quiet keys + ZADD liveness) are served by one node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  connectRedis,
  createLogger,
  encodeQuiet,
  livenessMember,
  parseHostPort,
  presenceFingerprint,
  quietPresenceKeys,
  type RedisClient,
} from '@sa/platform';
import { type RedisClusterSetup, startRedisCluster } from '@sa/testkit';
import { RedisQuietReports } from './redis-quiet-reports.js';
import { RedisReplayGuard } from './replay-guard.js';

const SETTINGS = { visibleRssiMinDbm: -75, maxVisible: 3 };
const OFFICE = { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -50 };
const HOME = { ssid: 'Home', bssid: 'aa:bb:cc:dd:ee:99', rssiDbm: -50 };

describe('ingest on a Redis Cluster', () => {
  let cluster: RedisClusterSetup;
  let client: RedisClient;

  before(async () => {
    cluster = await startRedisCluster(3);
    const nodes = cluster.nodes.split(',').map((n) => parseHostPort(n)!);
    client = await connectRedis(
      { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: nodes },
      createLogger('test', 'silent'),
    );
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('given devices spread over the slots, when one batch holds fresh counters, duplicates and a too-old one, then each gets the right answer and forget resets only its device', async () => {
    const guard = new RedisReplayGuard(client.redis, {
      keyPrefix: 'sa:ingest:',
      window: 100,
      markerTtlMs: 60_000,
    });
    const checks: Array<[string, number]> = [];
    for (let d = 0; d < 30; d++) checks.push([`dev${d}`, 1000], [`dev${d}`, 1001], [`dev${d}`, 1000]);
    checks.push(['dev0', 10]);
    const results = await Promise.all(checks.map(([id, c]) => guard.firstUse(id, c)));
    const expected: boolean[] = [];
    for (let d = 0; d < 30; d++) expected.push(true, true, false);
    expected.push(false);
    assert.deepEqual(results, expected);

    assert.equal(await guard.forget('dev1'), 1001);
    assert.equal(await guard.firstUse('dev1', 5), true, 'after forget a low counter is a first one');
    assert.equal(await guard.firstUse('dev2', 5), false, 'another device keeps its window');
  });

  it('given router marked devices quiet in one pipeline, when a batch of their reports arrives, then the unchanged ones are recorded as live and the changed one is not', async () => {
    const keys = quietPresenceKeys('sa');
    const quiet = encodeQuiet(SETTINGS, presenceFingerprint(OFFICE, [], SETTINGS));
    // what router's RedisQuietPresence.publish sends: every quiet key and the liveness set together
    const p = client.redis.pipeline();
    for (let d = 0; d < 20; d++) {
      p.set(keys.quiet(`q${d}`), quiet, 'PX', 60_000);
      p.zadd(keys.liveness, 'GT', 1000, livenessMember(`2${d}`, `q${d}`));
    }
    const written = (await p.exec()) ?? [];
    assert.deepEqual(
      written.filter(([err]) => err),
      [],
      'router pipeline',
    );

    const reports = new RedisQuietReports(client.redis, 'sa');
    const report = (d: number, connected: typeof OFFICE) =>
      reports.recordIfUnchanged({
        extension: `2${d}`,
        recordId: `q${d}`,
        connected,
        visible: [],
        atMs: 5000,
        counter: 1,
      });
    const answers = await Promise.all([
      ...Array.from({ length: 19 }, (_, d) => report(d, OFFICE)),
      report(19, HOME),
    ]);
    assert.deepEqual(answers, [...Array(19).fill(true), false]);
    assert.equal(Number(await client.redis.zscore(keys.liveness, livenessMember('20', 'q0'))), 5000);
    assert.equal(Number(await client.redis.zscore(keys.liveness, livenessMember('219', 'q19'))), 1000);
  });
});

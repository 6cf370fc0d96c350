// The chaos run in short (issue 18): the same five faults, in turn, on the same system (3-node NATS
// cluster, Redis Sentinel, a private Postgres, two of each service), with 200 users and a fault every
// 11 s instead of 10,000 users and 25 s (`npm run test:chaos` runs those). Nothing acknowledged may
// be lost, no call may fail, and after each fault every user's AstDB target is right within 5 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RESYNC_S, runChaos } from '../src/index.js';

test('given phones reporting and calls arriving, when a NATS node, the Redis primary, Postgres, a router and the active ami-bridge fail in turn, then no acknowledged report is lost, no call fails and AstDB is right again within 5 s of each fault', async () => {
  const lines: string[] = [];
  const result = await runChaos({
    users: 200,
    intervalS: 10,
    movePct: 5,
    probePct: 10,
    callsPerSec: 20,
    baselineS: 3,
    faultGapS: 11,
    restoreAfterS: 6,
    postgresDownS: 2,
    redisFault: 'failover',
    leaseMs: 2000,
    log: (msg) => lines.push(msg),
  });
  const account = JSON.stringify(result);
  console.log(account);
  // the run's own account (faults, takeovers, every user that fell behind and when) for a failure
  const slow = result.faults.filter((f) => f.resyncS > MAX_RESYNC_S);
  if (result.lostReports > 0 || result.callsFailed > 0 || slow.length > 0) console.log(lines.join('\n'));
  assert.ok(result.ackedReports > 0 && result.callsRouted > 0, account);
  assert.equal(result.faults.length, 5, account);
  assert.equal(result.lostReports, 0, `acknowledged reports lost: ${account}`);
  assert.equal(result.callsFailed, 0, `calls failed: ${account}`);
  assert.deepEqual(slow, [], `resync took longer than allowed: ${account}`);
});

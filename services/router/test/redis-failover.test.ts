// Router on Redis Sentinel: a failover may lose router's last commits (the replica had not got
// them), and router then restarts its partitions on the new primary. Decisions derived again from
// the states kept can carry a version router already wrote with another target; it must still write
// them (the chaos run lost a move that way: acknowledged, never written, until the user's next
// change). Real NATS, a private primary, replica and three sentinels; the loss is made by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, Redis } from '@sa/platform';
import { startRedisSentinel } from '@sa/testkit';
import { buildRouterApp } from '../src/app.js';
import { loadRouterConfig } from '../src/config.js';
import { CONF_AP, Harness, OFFICE_AP, waitFor } from './harness.js';

test("given a Redis failover that lost router's commit of a move, when router restarts its partition on the new primary, then AstDB holds the target of the state kept and the next move is written", async () => {
  await using sentinel = await startRedisSentinel();
  const h = await new Harness().setup();
  const primary = new Redis({ port: await sentinel.masterPort(), lazyConnect: true });
  try {
    await h.putConfig('250');
    const { REDIS_URL: _single, ...env } = h.env({
      REDIS_SENTINELS: sentinel.sentinels,
      REDIS_SENTINEL_NAME: sentinel.masterName,
      HYSTERESIS_REPORTS: '1',
      // nothing replayed: the lost commit stays lost (as a decision no phone event carries would)
      ROUTER_START_REPLAY_MS: '0',
    });
    const app = await buildRouterApp(loadRouterConfig(env), createLogger('router', 'silent'));
    await app.start();
    h.apps.push(app);
    h.nc.publish(h.names.amiConnected, new Uint8Array()); // ami-bridge logged in: partitions resync
    await waitFor(() => h.lastAstDb('250') === '0170250', 'the default target');

    await h.presence('250', 'D250', 1, OFFICE_AP);
    await waitFor(() => h.lastAstDb('250') === '250', 'the desk target');
    const stateKey = `{sa:${h.prefix}:250}:st`;
    const kept = await primary.getBuffer(stateKey);
    assert.ok(kept, 'the state at the desk');
    await h.presence('250', 'D250', 2, CONF_AP);
    await waitFor(() => h.lastAstDb('250') === '299', 'the conference target');

    // the failover loses the move's commit: the new primary holds the state from the desk
    await primary.set(stateKey, kept);
    assert.equal(await primary.wait(1, 2000), 1);
    await sentinel.failover();
    await waitFor(() => h.lastAstDb('250') === '250', "the kept state's target written again", 15_000);

    await h.presence('250', 'D250', 3, CONF_AP);
    await waitFor(() => h.lastAstDb('250') === '299', 'the next move written', 10_000);
  } finally {
    primary.disconnect();
    await h.teardown();
  }
});

// CPU per presence event of the router's processing core alone: the decision processor with the
// owned-state cache, the engine, the state codec and the real Redis store (chunked commit
// scripts), without NATS (no consume, no acks, effects counted instead of sent). Compared with
// bench:router's routerCpuUsPerEvent it tells how the cost splits between the core and the bus.
// `node --import tsx services/router/bench/core-probe.ts` (PROBE_USERS 20000, PROBE_EVENTS 300000).
import { createLogger, Redis } from '@sa/platform';
import { decodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys } from '@sa/testkit';
import { toUserRules } from '../src/adapters/nats/proto-mapping.js';
import { routerKeys } from '../src/adapters/redis/keys.js';
import { RedisUserStateStore } from '../src/adapters/redis/redis-user-state-store.js';
import { loadRouterConfig } from '../src/config.js';
import { RulesInterner } from '../src/domain/rules-interner.js';
import type { RouterEvent, UserRules } from '../src/domain/types.js';
import { DecisionProcessor } from '../src/routing/decision-processor.js';
import { OwnedStateCache } from '../src/routing/state-cache.js';
import { engineSettings } from '../src/wiring/engine-settings.js';
import { officeConfig } from '../test/harness.js';
import { APS, ext } from './load-shared.js';

const USERS = Number(process.env.PROBE_USERS ?? 20_000);
const DEVICES = Math.round(USERS * 1.5);
const EVENTS = Number(process.env.PROBE_EVENTS ?? 300_000);
const BATCH = 1000;
const MOVE = 0.1;

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `t_core${process.pid}`;
const interner = new RulesInterner();
const rules = new Map<string, UserRules>();
for (let u = 0; u < USERS; u++) {
  const config = decodeMessage(v1.UserConfig, officeConfig(ext(u)), 'UserConfig');
  rules.set(ext(u), interner.intern(toUserRules(config)));
}
const cache = new OwnedStateCache(1);
cache.open(0);
let changes = 0;
const processor = new DecisionProcessor({
  store: new RedisUserStateStore(redis, routerKeys(prefix), { callLogLength: 3, callLogTtlS: 3600 }),
  rules: { get: (e) => rules.get(e) ?? null, extensions: () => rules.keys() },
  effects: { push: () => void changes++ },
  settings: engineSettings(loadRouterConfig({ HYSTERESIS_REPORTS: '1', PRESENCE_TIMEOUT_S: '600' })),
  clock: Date.now,
  logger: createLogger('core-probe', 'silent'),
  cache,
});

const counters = new Uint32Array(DEVICES);
const aps = new Uint8Array(DEVICES);
/** BATCH presence events of random devices, grouped per user as the consumer groups them */
function batch(): Map<string, RouterEvent[]> {
  const byUser = new Map<string, RouterEvent[]>();
  for (let i = 0; i < BATCH; i++) {
    const d = Math.floor(Math.random() * DEVICES);
    if (Math.random() < MOVE) aps[d] = 1 - aps[d]!;
    const event: RouterEvent = {
      kind: 'presence',
      deviceId: `DEV${d}`,
      counter: ++counters[d]!,
      atMs: Date.now(),
      connected: { ssid: 'Corp', bssid: APS[aps[d]!]!, rssiDbm: -50 },
      visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
    };
    const user = ext(d % USERS);
    const list = byUser.get(user);
    if (list) list.push(event);
    else byUser.set(user, [event]);
  }
  return byUser;
}

try {
  // warm-up: every user's first decision, then the measured run with two batches in flight
  for (let i = 0; i < (2 * DEVICES) / BATCH; i++) await processor.process(0, 1, batch());
  changes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < EVENTS / BATCH; i++) {
    inFlight.push(processor.process(0, 1, batch()));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      users: USERS,
      events: EVENTS,
      eventsPerSec: Math.round(EVENTS / seconds),
      cpuUsPerEvent: Math.round(((cpu.user + cpu.system) / EVENTS) * 10) / 10,
      changedPerEvent: Math.round((changes / EVENTS) * 100) / 100,
    }),
  );
} finally {
  await deleteRedisKeys(redis, `{sa:${prefix}*`);
  await redis.quit();
}

// Heap used per user by the router's two per-user in-memory structures (the rules mirror and the
// owned-state cache), built the way the router builds them. `node --expose-gc --import tsx ...`
import { decodeMessage, v1 } from '@sa/proto';
import { toUserRules } from '../src/adapters/nats/proto-mapping.js';
import { RulesInterner } from '../src/domain/rules-interner.js';
import { step } from '../src/domain/scenario-engine.js';
import { defaultEngineSettings, emptyUserState, type UserRules } from '../src/domain/types.js';
import { PartitionStates } from '../src/routing/state-cache.js';
import { officeConfig } from '../test/harness.js';
import { APS, ext } from './load-shared.js';

const N = Number(process.env.PROBE_USERS ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc!;
const used = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const keep: unknown[] = [];
let base = used();
const rules = new Map<string, UserRules>();
const interner = new RulesInterner(); // as KvUserConfigWatcher stores them
for (let u = 0; u < N; u++)
  rules.set(
    ext(u),
    interner.intern(toUserRules(decodeMessage(v1.UserConfig, officeConfig(ext(u)), 'UserConfig'))),
  );
const r = used();
console.log(`rules: ${Math.round((r - base) / N)} B/user`);
base = r;
const states = new PartitionStates(); // as OwnedStateCache holds them
const now = Date.now();
for (let u = 0; u < N; u++) {
  const e = ext(u);
  const devs = u < 50_000 ? 2 : 1;
  let s = emptyUserState;
  for (let d = 0; d < devs; d++)
    s = step(
      s,
      [
        {
          kind: 'presence',
          deviceId: `DEV${u + d * N}`,
          counter: 5,
          atMs: now,
          connected: { ssid: 'Corp', bssid: APS[0]!, rssiDbm: -50 },
          visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
        },
      ],
      rules.get(e)!,
      now,
      { ...defaultEngineSettings, hysteresisReports: 1 },
    ).state;
  states.set(e, { rev: 1, epoch: 1, state: s });
}
const c = used();
console.log(`state cache: ${Math.round((c - base) / N)} B/user; total heap ${Math.round(c / 1e6)} MB`);
keep.push(rules, states, interner);

// Builders for engine tests: one office user with desk, conference, night and mobile scenarios.
import { step } from '../domain/scenario-engine.js';
import type {
  Decision,
  Net,
  PresenceEvent,
  RouterEvent,
  RuleDef,
  ScenarioDef,
  UserRules,
  UserState,
  WindowDef,
} from '../domain/types.js';
import { defaultEngineSettings, type EngineSettings, emptyUserState } from '../domain/types.js';

export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // Monday 10:00 UTC

export const settings: EngineSettings = {
  ...defaultEngineSettings,
  presenceTimeoutMs: 120_000,
  hysteresisReports: 2,
  hysteresisMs: 20_000,
};

export const OFFICE_AP = 'aa:bb:cc:00:00:01';
export const CONF_AP = 'aa:bb:cc:00:00:02';

export const net = (ssid: string, bssid: string, rssiDbm = -50): Net => ({ ssid, bssid, rssiDbm });
export const officeNet = net('Corp', OFFICE_AP);
export const confNet = net('Corp', CONF_AP);

const loc = (id: string, name: string, ssids: string[], bssids: string[]) => ({ id, name, ssids, bssids });
const rule = (locationId: string, window: WindowDef | null = null): RuleDef => ({
  kind: 'location',
  locationId,
  window,
});
const scenario = (
  id: string,
  priority: number,
  rules: RuleDef[],
  dial: string,
  isDefault = false,
): ScenarioDef => ({
  id,
  name: id,
  priority,
  rules,
  isDefault,
  target: { id: `t-${id}`, name: `SMART-${id}`, dial },
});

export function officeRules(extra: ScenarioDef[] = []): UserRules {
  return {
    extension: '230',
    revision: 1,
    locations: [
      loc('office', 'Office', ['Corp'], [OFFICE_AP]),
      loc('conf', 'Conference', [], [CONF_AP]),
      loc('home', 'Home', ['HomeNet'], []),
    ],
    scenarios: [
      scenario('desk', 10, [rule('office')], '230'),
      scenario('conference', 5, [rule('conf')], '299'),
      scenario('home', 20, [rule('home')], '0049301234'),
      scenario('mobile', 100, [{ kind: 'explicit', locationId: '', window: null }], '0170555', true),
      ...extra,
    ],
  };
}

export { rule, scenario };

let counter = 0;
export function presence(
  atMs: number,
  connected: Net | null,
  visible: Net[] = [],
  deviceId = 'D1',
  c = ++counter,
): PresenceEvent {
  return { kind: 'presence', deviceId, counter: c, atMs, connected, visible };
}

/** The office user's state after `events`, evaluated at `atMs` (from `prev`, default: nothing yet). */
export function officeStep(events: RouterEvent[], atMs: number, prev: UserState = emptyUserState) {
  return step(prev, events, officeRules(), atMs, settings);
}

/** A stored decision with only its version and target mattering (AstDB write tests). */
export const decision = (version: number, targetDial: string): Decision => ({
  scenarioId: 's',
  scenarioName: 'S',
  targetDial,
  targetName: 'T',
  reason: 'test',
  decidedAtMs: 0,
  version,
});

// The scenario engine: applies presence and choice events to a user's state and decides the
// active scenario, its target and a human-readable reason. Pure: the clock is an argument.
//
// Precedence: (1) an explicit choice that has not expired and names an existing scenario;
// (2) scenarios in (priority, id) order, rules in order, first match wins: a LOCATION rule
// matches the location of the user's freshest device (optionally within a time window), a
// TIME_WINDOW rule matches on the clock alone; (3) the default scenario; (4) none (empty dial:
// the dialplan keeps its own fallback).
import { observe, promoteByTime, promotionDeadlineMs } from './hysteresis.js';
import { noLocation, observeLocation, placeReport, strongVisible } from './location-matcher.js';
import { describeWindow, inWindow, nextWindowBoundaryMs } from './time-window.js';
import type {
  ChoiceEvent,
  Decision,
  DeviceRecord,
  EngineSettings,
  Observation,
  PresenceEvent,
  RouterEvent,
  ScenarioDef,
  UserRules,
  UserState,
} from './types.js';
import { Evidence } from './types.js';

export type ApplyOutcome = 'applied' | 'stale_counter';

export interface EvaluateResult {
  readonly state: UserState;
  /** true when the scenario or the target changed (the decision's version was bumped) */
  readonly changed: boolean;
  /** when to evaluate again even if nothing arrives (Infinity = never) */
  readonly nextDeadlineMs: number;
}

const newDevice: DeviceRecord = {
  id: '',
  counter: 0,
  choiceCounter: 0,
  seenAtMs: 0,
  connected: null,
  visible: [],
  location: '',
  evidence: Evidence.none,
  candidate: null,
  candidateCount: 0,
  candidateSinceMs: 0,
  quiet: false,
};

/** Applies one event; an event whose counter is not newer than the device's last one is ignored. */
export function applyEvent(
  state: UserState,
  event: RouterEvent,
  rules: UserRules | null,
  settings: EngineSettings,
): { state: UserState; outcome: ApplyOutcome } {
  if (event.kind === 'presence') return applyPresence(state, event, rules, settings);
  if (event.kind === 'choice') return applyChoice(state, event);
  return replaceAll(state, rules, settings);
}

/** Every device placed from its last report under the current places, settled (no hysteresis). */
function replaceAll(
  state: UserState,
  rules: UserRules | null,
  settings: EngineSettings,
): { state: UserState; outcome: ApplyOutcome } {
  if (!rules || rules.locationPaused) return { state, outcome: 'applied' };
  let moved = false;
  const devices = state.devices.map((d) => {
    if (d.connected === null && d.visible.length === 0) return d;
    const seen = placeReport(d.connected, d.visible, rules.locations, settings.visibleRssiThresholdDbm);
    if (seen.locationId === d.location && seen.evidence === d.evidence && d.candidate === null) return d;
    moved = true;
    return {
      ...d,
      location: seen.locationId,
      evidence: seen.evidence,
      candidate: null,
      candidateCount: 0,
      candidateSinceMs: 0,
    };
  });
  return { state: moved ? { ...state, devices } : state, outcome: 'applied' };
}

function applyPresence(
  state: UserState,
  e: PresenceEvent,
  rules: UserRules | null,
  settings: EngineSettings,
): { state: UserState; outcome: ApplyOutcome } {
  const prev = deviceOf(state.devices, e.deviceId);
  if (e.counter <= prev.counter) return { state, outcome: 'stale_counter' };
  if (rules?.locationPaused) {
    // privacy mode: only the counter is kept (a redelivered older report stays stale), nothing of where
    const device = { ...blank(prev), id: e.deviceId, counter: e.counter };
    return { state: { ...state, devices: withDevice(state.devices, device) }, outcome: 'applied' };
  }
  const visible = strongVisible(e.visible, settings.visibleRssiThresholdDbm, settings.maxVisibleRemembered);
  const seen = rules
    ? placeReport(e.connected, visible, rules.locations, settings.visibleRssiThresholdDbm)
    : noLocation;
  const wasFresh = prev.seenAtMs > 0 && e.atMs - prev.seenAtMs < settings.presenceTimeoutMs;
  const belief = observe(prev, seen, e.atMs, wasFresh, settings);
  // built field by field, in DeviceRecord order: one object, one shape for every record
  const device: DeviceRecord = {
    id: e.deviceId,
    counter: e.counter,
    choiceCounter: prev.choiceCounter,
    seenAtMs: Math.max(prev.seenAtMs, e.atMs),
    connected: e.connected,
    visible,
    location: belief.location,
    evidence: belief.evidence,
    candidate: belief.candidate,
    candidateCount: belief.candidateCount,
    candidateSinceMs: belief.candidateSinceMs,
    quiet: prev.quiet,
  };
  return {
    state: { devices: withDevice(state.devices, device), choice: state.choice, decision: state.decision },
    outcome: 'applied',
  };
}

/** The record with everything a report said removed: only its id and counters stay. */
function blank(d: DeviceRecord): DeviceRecord {
  return { ...newDevice, id: d.id, counter: d.counter, choiceCounter: d.choiceCounter };
}

/** The device's record, or a blank one (id '') when it never reported. */
function deviceOf(devices: readonly DeviceRecord[], id: string): DeviceRecord {
  for (const d of devices) if (d.id === id) return d;
  return newDevice;
}

/** `devices` with `device` replacing the record of the same id, or appended. */
function withDevice(devices: readonly DeviceRecord[], device: DeviceRecord): DeviceRecord[] {
  const out = devices.slice();
  const i = out.findIndex((d) => d.id === device.id);
  if (i < 0) out.push(device);
  else out[i] = device;
  return out;
}

function applyChoice(state: UserState, e: ChoiceEvent): { state: UserState; outcome: ApplyOutcome } {
  const prev = deviceOf(state.devices, e.deviceId);
  if (e.counter <= prev.choiceCounter) return { state, outcome: 'stale_counter' };
  const devices = withDevice(state.devices, { ...prev, id: e.deviceId, choiceCounter: e.counter });
  const choice =
    e.clear || !e.scenarioId
      ? null
      : { scenarioId: e.scenarioId, expiresAtMs: e.expiresAtMs, deviceId: e.deviceId, atMs: e.atMs };
  return { state: { ...state, devices, choice }, outcome: 'applied' };
}

/**
 * Re-derives the decision at `nowMs`: re-places devices after a config change, promotes
 * hysteresis candidates whose time has come, drops expired choices and forgotten devices.
 */
export function evaluate(
  state: UserState,
  rules: UserRules | null,
  nowMs: number,
  settings: EngineSettings,
): EvaluateResult {
  // Most evaluations leave every device record as it is: the list is copied only when a record is
  // dropped or replaced (what is allocated per event is what the router's GC pays for).
  const before = state.devices;
  let copy: DeviceRecord[] | null = null;
  for (let i = 0; i < before.length; i++) {
    const d = before[i]!;
    const forgotten =
      nowMs - d.seenAtMs > settings.deviceRetentionMs && nowMs - d.seenAtMs > settings.presenceTimeoutMs;
    // paused: the blank record stays (its counters keep redelivered reports stale), never forgotten
    const next = rules?.locationPaused
      ? blankOnce(d)
      : forgotten
        ? null
        : promoteByTime(relocate(d, rules, settings), nowMs, settings);
    if (copy === null && next !== d) copy = before.slice(0, i);
    if (copy !== null && next !== null) copy.push(next);
  }
  const devices = quieted(copy ?? before, nowMs, settings);
  let choice = state.choice;
  if (choice && choice.expiresAtMs > 0 && choice.expiresAtMs <= nowMs) choice = null;
  if (choice && rules && !rules.scenarios.some((s) => s.id === choice?.scenarioId)) choice = null;

  const picked = pick(devices, choice, rules, nowMs, settings);
  const prev = state.decision;
  const changed = !prev || prev.scenarioId !== picked.scenarioId || prev.targetDial !== picked.targetDial;
  const decision: Decision =
    prev && !changed && samePick(prev, picked)
      ? prev
      : {
          scenarioId: picked.scenarioId,
          scenarioName: picked.scenarioName,
          targetDial: picked.targetDial,
          targetName: picked.targetName,
          reason: picked.reason,
          decidedAtMs: changed || !prev ? nowMs : prev.decidedAtMs,
          version: (prev?.version ?? 0) + (changed ? 1 : 0),
        };
  return {
    state:
      devices === state.devices && choice === state.choice && decision === prev
        ? state
        : { devices, choice, decision },
    changed,
    nextDeadlineMs: nextDeadline(devices, choice, rules, nowMs, settings),
  };
}

/**
 * Marks each device quiet when an identical report could change nothing: it is fresh, its
 * hysteresis is settled, and no other device (or source) of the user is fresh, so no freshness
 * order between devices depends on its reports. Copies the list only when a flag changes.
 */
/** `d` itself when it holds nothing of where it was, so an already blank list is not copied */
function blankOnce(d: DeviceRecord): DeviceRecord {
  return d.seenAtMs === 0 &&
    d.connected === null &&
    d.visible.length === 0 &&
    d.location === '' &&
    d.candidate === null
    ? d
    : blank(d);
}

function quieted(
  devices: readonly DeviceRecord[],
  nowMs: number,
  s: EngineSettings,
): readonly DeviceRecord[] {
  let fresh = 0;
  for (const d of devices) if (isFresh(d, nowMs, s)) fresh++;
  let out: DeviceRecord[] | null = null;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    const quiet = s.quietPresence && fresh === 1 && d.candidate === null && isFresh(d, nowMs, s);
    if (quiet === d.quiet) continue;
    out ??= devices.slice();
    out[i] = { ...d, quiet };
  }
  return out ?? devices;
}

const isFresh = (d: DeviceRecord, nowMs: number, s: EngineSettings) =>
  d.seenAtMs > 0 && nowMs - d.seenAtMs < s.presenceTimeoutMs;

function samePick(d: Decision, p: Picked): boolean {
  return (
    d.scenarioName === p.scenarioName &&
    d.targetName === p.targetName &&
    d.reason === p.reason &&
    d.scenarioId === p.scenarioId &&
    d.targetDial === p.targetDial
  );
}

/** Applies events in order, then evaluates once at `nowMs`. */
export function step(
  state: UserState,
  events: readonly RouterEvent[],
  rules: UserRules | null,
  nowMs: number,
  settings: EngineSettings,
): EvaluateResult & { applied: number } {
  let s = state;
  let applied = 0;
  for (const e of events) {
    const r = applyEvent(s, e, rules, settings);
    s = r.state;
    if (r.outcome === 'applied') applied++;
  }
  const r = evaluate(s, rules, nowMs, settings);
  return { state: r.state, changed: r.changed, nextDeadlineMs: r.nextDeadlineMs, applied };
}

/** After a config change the stored location may no longer exist: place the device afresh. */
function relocate(d: DeviceRecord, rules: UserRules | null, settings: EngineSettings): DeviceRecord {
  const known = (id: string) => id === '' || (rules?.locations.some((l) => l.id === id) ?? false);
  if (known(d.location) && (d.candidate === null || known(d.candidate))) return d;
  const seen = rules
    ? placeReport(d.connected, d.visible, rules.locations, settings.visibleRssiThresholdDbm)
    : noLocation;
  return { ...d, location: seen.locationId, evidence: seen.evidence, candidate: null, candidateCount: 0 };
}

type Picked = Omit<Decision, 'decidedAtMs' | 'version'>;

function pick(
  devices: readonly DeviceRecord[],
  choice: UserState['choice'],
  rules: UserRules | null,
  nowMs: number,
  settings: EngineSettings,
): Picked {
  if (!rules) return none('no configuration for this extension');
  const ordered = orderScenarios(rules.scenarios);
  if (choice) {
    const s = ordered.find((x) => x.id === choice.scenarioId);
    if (s) {
      const until = choice.expiresAtMs > 0 ? ` until ${new Date(choice.expiresAtMs).toISOString()}` : '';
      return chosen(s, `explicit choice by device ${choice.deviceId}${until}`);
    }
  }
  const fresh = rules.locationPaused ? null : freshestDevice(devices, nowMs, settings);
  for (const s of ordered) {
    for (let i = 0; i < s.rules.length; i++) {
      const rule = s.rules[i]!;
      if (rule.kind === 'location') {
        if (!fresh || rule.locationId === '' || fresh.device.location !== rule.locationId) continue;
        if (rule.window && !inWindow(rule.window, nowMs)) continue;
        const win = rule.window ? ` within ${describeWindow(rule.window)}` : '';
        const seen = describeLocation(fresh.device, rules, settings);
        return chosen(s, `device ${fresh.id} ${seen.detail}, ${ruleNo(i, s)}${win}`);
      }
      if (rule.kind === 'time_window' && rule.window && inWindow(rule.window, nowMs)) {
        return chosen(s, `time window ${describeWindow(rule.window)}, ${ruleNo(i, s)}`);
      }
    }
  }
  const why = rules.locationPaused
    ? 'location paused by the user'
    : fresh
      ? `device ${fresh.id} ${describeLocation(fresh.device, rules, settings).detail}, no rule matched`
      : staleReason(devices, nowMs, settings);
  const fallback = defaultScenario(ordered);
  if (!fallback) return none(`${why}; no default scenario`);
  return chosen(fallback, `${why}; default scenario "${fallback.name}"`);
}

const ruleNo = (i: number, s: ScenarioDef) => `rule ${i + 1} of scenario "${s.name}"`;

function describeLocation(d: DeviceRecord, rules: UserRules, settings: EngineSettings): Observation {
  const now = observeLocation(d.connected, d.visible, rules.locations, settings.visibleRssiThresholdDbm);
  if (now.locationId === d.location) return now;
  const held = rules.locations.find((l) => l.id === d.location)?.name ?? 'no known location';
  const pending = rules.locations.find((l) => l.id === d.candidate)?.name ?? 'no known location';
  return {
    locationId: d.location,
    evidence: d.evidence,
    detail: `still at ${held} (hysteresis: ${pending} reported ${d.candidateCount}/${settings.hysteresisReports})`,
  };
}

function staleReason(devices: readonly DeviceRecord[], nowMs: number, s: EngineSettings): string {
  let last = 0;
  for (const d of devices) last = Math.max(last, d.seenAtMs);
  if (last === 0) return 'no presence reported yet';
  const ago = Math.round((nowMs - last) / 1000);
  return `no fresh presence (last report ${ago} s ago, timeout ${Math.round(s.presenceTimeoutMs / 1000)} s)`;
}

/** Most recent fresh presence wins; ties go to the smallest device id. */
export function freshestDevice(
  devices: readonly DeviceRecord[],
  nowMs: number,
  settings: EngineSettings,
): { id: string; device: DeviceRecord } | null {
  let best: { id: string; device: DeviceRecord } | null = null;
  for (const device of devices) {
    if (device.seenAtMs === 0 || nowMs - device.seenAtMs >= settings.presenceTimeoutMs) continue;
    if (
      !best ||
      device.seenAtMs > best.device.seenAtMs ||
      (device.seenAtMs === best.device.seenAtMs && device.id < best.id)
    ) {
      best = { id: device.id, device };
    }
  }
  return best;
}

// A user's scenario list is one interned array for as long as the configuration is unchanged
// (rules-interner), so its order is worked out once per list, not once per event.
const orderedLists = new WeakMap<readonly ScenarioDef[], readonly ScenarioDef[]>();

function orderScenarios(scenarios: readonly ScenarioDef[]): readonly ScenarioDef[] {
  let ordered = orderedLists.get(scenarios);
  if (!ordered) {
    ordered = [...scenarios].sort(
      (a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    orderedLists.set(scenarios, ordered);
  }
  return ordered;
}

function defaultScenario(ordered: readonly ScenarioDef[]): ScenarioDef | undefined {
  return ordered.find((s) => s.isDefault);
}

function chosen(s: ScenarioDef, reason: string): Picked {
  if (!s.target?.dial) {
    return {
      scenarioId: s.id,
      scenarioName: s.name,
      targetDial: '',
      targetName: '',
      reason: `${reason} (no target)`,
    };
  }
  return {
    scenarioId: s.id,
    scenarioName: s.name,
    targetDial: s.target.dial,
    targetName: s.target.name,
    reason,
  };
}

function none(reason: string): Picked {
  return { scenarioId: '', scenarioName: '', targetDial: '', targetName: '', reason };
}

function nextDeadline(
  devices: readonly DeviceRecord[],
  choice: UserState['choice'],
  rules: UserRules | null,
  nowMs: number,
  settings: EngineSettings,
): number {
  let next = Number.POSITIVE_INFINITY;
  if (choice && choice.expiresAtMs > 0) next = Math.min(next, choice.expiresAtMs);
  for (const d of devices) {
    if (d.seenAtMs === 0 || nowMs - d.seenAtMs >= settings.presenceTimeoutMs) continue;
    // a quiet device's timeout is found by the liveness scan (its seenAtMs here may be old)
    if (!d.quiet) next = Math.min(next, d.seenAtMs + settings.presenceTimeoutMs);
    next = Math.min(next, promotionDeadlineMs(d, settings));
  }
  if (rules) {
    for (const s of rules.scenarios) {
      for (const r of s.rules) if (r.window) next = Math.min(next, nextWindowBoundaryMs(r.window, nowMs));
    }
  }
  return next;
}

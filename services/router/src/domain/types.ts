// The router's domain vocabulary: a user's rules (from admin's UserConfig), what each of the
// user's devices last reported, an explicit choice, and the decision derived from them.
// Plain data only; adapters translate protobuf and Redis shapes to and from these.

export interface Net {
  readonly ssid: string;
  readonly bssid: string;
  readonly rssiDbm: number;
}

export interface LocationDef {
  readonly id: string;
  readonly name: string;
  readonly ssids: readonly string[];
  /** lower-case "aa:bb:cc:dd:ee:ff" */
  readonly bssids: readonly string[];
}

/** "08:00-18:00 Mon-Fri Europe/Berlin"; endMinute < startMinute crosses midnight. */
export interface WindowDef {
  readonly startMinute: number;
  readonly endMinute: number;
  /** 0 = Sunday .. 6; empty = every day */
  readonly weekdays: readonly number[];
  /** IANA name; '' = UTC */
  readonly timeZone: string;
}

export type RuleKind = 'location' | 'explicit' | 'time_window';

export interface RuleDef {
  readonly kind: RuleKind;
  readonly locationId: string;
  readonly window: WindowDef | null;
}

export interface TargetDef {
  readonly id: string;
  readonly name: string;
  readonly dial: string;
}

export interface ScenarioDef {
  readonly id: string;
  readonly name: string;
  readonly rules: readonly RuleDef[];
  readonly target: TargetDef | null;
  /** lower = evaluated first */
  readonly priority: number;
  readonly isDefault: boolean;
}

/** Everything the engine needs to decide for one user (one extension). */
export interface UserRules {
  readonly extension: string;
  readonly scenarios: readonly ScenarioDef[];
  readonly locations: readonly LocationDef[];
  readonly revision: number;
  /**
   * The user paused location (privacy mode): no presence is kept and no location rule matches;
   * time windows and explicit choices still apply. Absent = false.
   */
  readonly locationPaused?: boolean;
}

/** How strongly a report places a device at a location: higher wins, and can skip hysteresis. */
export const Evidence = {
  none: 0,
  visibleSsid: 1,
  visibleBssid: 2,
  connectedSsid: 3,
  connectedBssid: 4,
} as const;
export type Evidence = (typeof Evidence)[keyof typeof Evidence];

/** Where one report places a device ('' = no known location) and why. */
export interface Observation {
  readonly locationId: string;
  readonly evidence: Evidence;
  /** "connected to BSSID aa:bb:.. = location Office" */
  readonly detail: string;
}

/** What the router remembers about one device of a user. */
export interface DeviceRecord {
  readonly id: string;
  /** last applied presence counter (monotonic per device; older ones are ignored) */
  readonly counter: number;
  /** last applied choice counter */
  readonly choiceCounter: number;
  /** ingest's receive time of the last applied presence */
  readonly seenAtMs: number;
  readonly connected: Net | null;
  /** networks above the RSSI threshold, strongest first, capped */
  readonly visible: readonly Net[];
  /** the location the router believes (after hysteresis); '' = none */
  readonly location: string;
  readonly evidence: Evidence;
  /** a different location seen recently but not yet confirmed (null = none) */
  readonly candidate: string | null;
  readonly candidateCount: number;
  readonly candidateSinceMs: number;
  /**
   * Change-driven presence: another report with the same networks could not change the routing
   * (hysteresis settled, no other fresh device of the user), so ingest may answer such reports
   * without the bus and record only when it saw them. Its timeout is then found by the liveness
   * scan, not this record's seenAtMs (which is merged from liveness whenever the user is evaluated).
   */
  readonly quiet: boolean;
}

export interface ChoiceRecord {
  readonly scenarioId: string;
  /** 0 = until cleared */
  readonly expiresAtMs: number;
  readonly deviceId: string;
  readonly atMs: number;
}

export interface Decision {
  readonly scenarioId: string;
  readonly scenarioName: string;
  /** '' when no scenario applies: the dialplan keeps its own fallback */
  readonly targetDial: string;
  readonly targetName: string;
  readonly reason: string;
  readonly decidedAtMs: number;
  /** per user, strictly increasing with every change of scenario or target */
  readonly version: number;
}

export interface UserState {
  /**
   * One record per device, in the order they first reported. An array rather than an object keyed
   * by device id: such objects give every user's state its own hidden class (measured: ~8 % of the
   * router's CPU in V8 map transitions and megamorphic property access).
   */
  readonly devices: readonly DeviceRecord[];
  readonly choice: ChoiceRecord | null;
  readonly decision: Decision | null;
}

export const emptyUserState: UserState = { devices: [], choice: null, decision: null };

export interface EngineSettings {
  /** presence older than this no longer counts (fallback to the default scenario) */
  readonly presenceTimeoutMs: number;
  /** a new location must be reported this many times in a row ... */
  readonly hysteresisReports: number;
  /** ... or keep being reported for this long, unless its evidence is stronger */
  readonly hysteresisMs: number;
  /** visible (not connected) networks count only at or above this signal */
  readonly visibleRssiThresholdDbm: number;
  /** how many visible networks are remembered per device */
  readonly maxVisibleRemembered: number;
  /** devices silent for longer than this are forgotten */
  readonly deviceRetentionMs: number;
  /**
   * change-driven presence: mark quiet devices (their timeouts are then the liveness scan's).
   * Off: no device is quiet and every device keeps its own timeout wake-up.
   */
  readonly quietPresence: boolean;
}

export const defaultEngineSettings: EngineSettings = {
  presenceTimeoutMs: 120_000,
  hysteresisReports: 2,
  hysteresisMs: 20_000,
  visibleRssiThresholdDbm: -75,
  maxVisibleRemembered: 3,
  deviceRetentionMs: 2 * 24 * 3600_000,
  quietPresence: true,
};

export interface PresenceEvent {
  readonly kind: 'presence';
  readonly deviceId: string;
  readonly counter: number;
  readonly atMs: number;
  readonly connected: Net | null;
  readonly visible: readonly Net[];
}

export interface ChoiceEvent {
  readonly kind: 'choice';
  readonly deviceId: string;
  readonly counter: number;
  readonly atMs: number;
  readonly scenarioId: string;
  readonly expiresAtMs: number;
  readonly clear: boolean;
}

/**
 * The user's configuration changed (places, scenarios): every device is placed afresh from its last
 * report, as if that report arrived now under the new places. Without it a device at "no known
 * place" would stay there until its networks change, and an unchanged report never reaches router
 * (change-driven presence).
 */
export interface RulesChangedEvent {
  readonly kind: 'rules_changed';
}

export type RouterEvent = PresenceEvent | ChoiceEvent | RulesChangedEvent;

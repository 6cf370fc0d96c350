// Roles the routing core depends on; adapters implement them (Redis*, Nats*).
import type { AstDbEntry, FollowMeUserStatus } from '../domain/ampuser-snapshot.js';
import type { Decision, DeviceRecord, UserRules, UserState } from '../domain/types.js';
import type { StoredUser } from './state-codec.js';

export type { StoredUser };

/** Where a call goes and why: router's answer to ami-bridge, and what the call log keeps of it. */
export interface CallAnswer {
  readonly targetDial: string;
  readonly scenarioId: string;
  readonly reason: string;
  readonly decidedAtMs: number;
  readonly fallback: boolean;
  readonly version: number;
}

/** A committed call decision, as recorded for "why did my call go there?". */
export interface CallRecord extends CallAnswer {
  readonly callId: string;
  readonly extension: string;
  readonly callerIdNum: string;
  /** set when a still-ringing call was moved to a new target (reason says why) */
  readonly redirectedFrom?: string;
}

export interface UserCommit {
  readonly extension: string;
  readonly partition: number;
  /** the rev read by load() (0 when the user had no state) */
  readonly expectedRev: number;
  readonly epoch: number;
  readonly state: UserState;
  readonly nextDeadlineMs: number;
  /** the decision changed and must be written to AstDB */
  readonly changed: boolean;
  /** `encodeState(expectedRev + 1, epoch, state)` when the caller already has it (it caches it) */
  readonly encoded?: string;
}

export type CommitOutcome = 'committed' | 'conflict' | 'fenced';

export interface UserStateStore {
  load(extensions: readonly string[]): Promise<Map<string, StoredUser>>;
  loadOne(extension: string): Promise<StoredUser | null>;
  commit(commits: readonly UserCommit[]): Promise<CommitOutcome[]>;
  dueUsers(partition: number, nowMs: number, limit: number): Promise<string[]>;
  unpushedUsers(partition: number, limit: number): Promise<string[]>;
  markPushed(partition: number, extension: string, version: number): Promise<void>;
  recordCall(record: CallRecord): Promise<void>;
  recentCalls(extension: string): Promise<CallRecord[]>;
}

export interface RulesSource {
  get(extension: string): UserRules | null;
  extensions(): Iterable<string>;
}

/** Writes a user's target into Asterisk (via ami-bridge). Throws when it could not. */
export interface AstDbWriter {
  writeTarget(extension: string, decision: Decision): Promise<void>;
}

/**
 * Reads every AstDB entry whose key ends in /<key>, in any family and at any depth (via ami-bridge:
 * `database showkey <key>`; ASCII case ignored). Throws when it could not.
 */
export interface AstDbReader {
  showKey(key: string): Promise<AstDbEntry[]>;
}

export interface ScenarioPublisher {
  scenarioChanged(extension: string, decision: Decision): void;
}

/** A presence report router applied, with the user's decision right after it. */
export interface DeviceReport {
  readonly extension: string;
  /** the device's record after the report (seenAtMs = the report's receive time) */
  readonly device: DeviceRecord;
  /** name of the location router places the device at ('' = no known location) */
  readonly locationName: string;
  readonly decision: Decision | null;
}

/** Announces every applied presence report (DeviceReported), changed scenario or not. */
export interface DeviceReportPublisher {
  deviceReported(report: DeviceReport): void;
}

/** One user's Follow-Me status as the console is told it (FollowMeAnnouncer). */
export interface FollowMeAnnouncement {
  readonly status: FollowMeUserStatus;
  /** the one step that fixes a status other than 'ok' */
  readonly fix: string | null;
  readonly checkedAtMs: number;
  /** a status other than 'ok' is announced again at least this often while it lasts */
  readonly republishMs: number;
}

export interface FollowMeStatusPublisher {
  followMeStatusChanged(extension: string, announcement: FollowMeAnnouncement): void;
}

/** One device record of a committed user, for the change-driven presence contract with ingest. */
export interface QuietDevice {
  readonly extension: string;
  readonly device: DeviceRecord;
}

/**
 * Change-driven presence (docs/performance.md): which devices ingest may answer without the bus,
 * and when ingest last saw them.
 */
export interface QuietPresence {
  /** when ingest last saw each device, by liveness member `<ext>/<record id>` (absent: never recorded) */
  lastSeen(devices: readonly { extension: string; recordId: string }[]): Promise<Map<string, number>>;
  /** after a commit: quiet devices' fingerprints written (and their liveness seeded), others' removed */
  publish(devices: readonly QuietDevice[]): Promise<void>;
  /** quiet devices last seen at or before cutoffMs (their presence timed out), oldest first, from `offset` */
  expired(
    cutoffMs: number,
    offset: number,
    limit: number,
  ): Promise<{ extension: string; recordId: string; member: string }[]>;
  /** drops those members that were not seen again since cutoffMs */
  forget(members: readonly string[], cutoffMs: number): Promise<void>;
}

// What admin keeps of where a user was and where their calls went, for the user (self-service
// page: see, export, delete) and for the retention sweep. Implemented in Postgres next to this file;
// docs/privacy.md says what is stored, why, and for how long.

/** One call as the user sees it: where it went and why. */
export interface CallEntry {
  readonly callId: string;
  readonly at: string;
  readonly callerIdNum: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly scenarioName: string;
  readonly reason: string;
  /** the dialplan's own fallback dialled: router could not decide */
  readonly fallback: boolean;
}

/** One change of where a device was placed (only changes are kept, not every report). */
export interface PresenceEntry {
  readonly at: string;
  readonly deviceId: string;
  /** '' = no known place */
  readonly placeName: string;
}

export interface CallHistory {
  /** newest first */
  recent(extension: string, limit: number): Promise<CallEntry[]>;
}

export interface PresenceHistory {
  /** newest first */
  recent(extension: string, limit: number): Promise<PresenceEntry[]>;
  /** deletes the user's whole presence history (audited as `actor`); returns how many entries */
  deleteFor(actor: string, extension: string): Promise<number>;
}

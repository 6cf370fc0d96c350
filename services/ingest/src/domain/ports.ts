// What the packet handler needs from the outside world, as roles. Adapters implement them.
import type { v1 } from '@sa/proto';

export type Device = InstanceType<typeof v1.Device>;
export type PresenceReported = InstanceType<typeof v1.PresenceReported>;
export type ScenarioChosen = InstanceType<typeof v1.ScenarioChosen>;
export type PhoneTargetsRequest = InstanceType<typeof v1.PhoneTargetsRequest>;
export type PhoneTargetsReply = InstanceType<typeof v1.PhoneTargetsReply>;
export type PhoneOwnDataRequest = InstanceType<typeof v1.PhoneOwnDataRequest>;
export type PhoneOwnDataReply = InstanceType<typeof v1.PhoneOwnDataReply>;

export const REJECTION_REASONS = [
  'too_small',
  'too_large',
  'bad_header',
  'unknown_key',
  'foreign_key',
  'server_key_refused',
  'bad_tag',
  'device_mismatch',
  'unknown_device',
  'disabled_device',
  'stale_timestamp',
  'counter_ahead',
  'replay',
  'rate_limited_ip',
  'rate_limited_device',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Authenticated packets we could not serve: not the client's fault, never logged for fail2ban. */
export const DROP_REASONS = ['replay_store_unavailable', 'publish_failed', 'overloaded'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** One device as the directory answers it (built per lookup; permissions shared). */
export interface DeviceRecord {
  /** stable while the device stays known: indexes per-device state such as rate-limit buckets */
  readonly slot: number;
  readonly extension: string;
  readonly enabled: boolean;
  readonly tier: number;
  readonly permissions: Readonly<{
    genericDestinations: boolean;
    specificDestinations: boolean;
    createTargets: boolean;
  }>;
  /** the device is enrolled: only its own keys may open its packets, never a server key */
  readonly ownKey: boolean;
}

export interface DeviceDirectory {
  get(deviceId: string): DeviceRecord | undefined;
}

export interface ReplayGuard {
  /** true the first time (deviceId, counter) is seen inside the window; throws when the store is down */
  firstUse(deviceId: string, counter: number): Promise<boolean>;
  /** forgets the highest accepted counter (admin's reset); returns it, null when none; throws when the store is down */
  forget(deviceId: string): Promise<number | null>;
}

export interface PhoneEventPublisher {
  /** resolves once the stream acknowledged the message, with the stream sequence that stores it (0: not told) */
  presenceReported(event: PresenceReported, msgId: string): Promise<number>;
  scenarioChosen(event: ScenarioChosen, msgId: string): Promise<void>;
}

/** What admin decides for a phone; each answer is undefined when admin did not answer in time. */
export interface AdminGateway {
  targets(request: PhoneTargetsRequest): Promise<PhoneTargetsReply | undefined>;
  /** the user's own scenarios and places */
  ownData(request: PhoneOwnDataRequest): Promise<PhoneOwnDataReply | undefined>;
}

/** how a packet arrived: over UDP its source address may be forged, over HTTP (TCP) it is not */
export type Transport = 'udp' | 'http';

export interface IngestObserver {
  rejected(reason: RejectionReason, src: string, transport: Transport): void;
  dropped(reason: DropReason, src: string, transport: Transport, err?: unknown): void;
  accepted(kind: string): void;
  /** datagram received -> publish acknowledged */
  published(seconds: number): void;
  /** datagram received -> an unchanged presence report's liveness recorded (no bus message) */
  unchanged(seconds: number): void;
}

/** A network of a presence report, as the phone sent it. */
export interface ReportedNet {
  readonly ssid?: string | null;
  readonly bssid?: string | null;
  readonly rssiDbm?: number | null;
}

/** Tells the console when a phone answered without the bus was last seen (best effort, batched). */
export interface SeenAnnouncer {
  seen(deviceId: string, atMs: number): void;
}

/**
 * Change-driven presence (docs/performance.md): router marks devices whose identical reports
 * change nothing. Resolves true when this report is such a one and when ingest saw it is durably
 * recorded (the report then needs no bus message); false when it must be published. Rejects when
 * it could not tell (the caller publishes).
 */
export interface QuietReports {
  recordIfUnchanged(report: {
    readonly extension: string;
    readonly recordId: string;
    readonly connected: ReportedNet | null | undefined;
    readonly visible: readonly ReportedNet[];
    readonly atMs: number;
    /** the report's counter: a changed report's is recorded, and no report is unchanged until
     * router's quiet mark reflects it */
    readonly counter: number;
  }): Promise<boolean>;
  /**
   * The published report was stored at stream sequence `seq`: until router has applied it, an
   * identical report may be answered like an unchanged one (best effort, never throws).
   */
  stored(report: Parameters<QuietReports['recordIfUnchanged']>[0], seq: number): void;
}

/** RADIUS accounting requests dropped without an answer (docs/radius.md): logged like packet rejections. */
export const RADIUS_REJECTION_REASONS = [
  'malformed',
  'not_accounting',
  'unknown_client',
  'rate_limited',
  'bad_authenticator',
] as const;
export type RadiusRejectionReason = (typeof RADIUS_REJECTION_REASONS)[number];

/** Valid accounting requests answered without publishing anything. */
export const RADIUS_IGNORE_REASONS = ['unknown_mac', 'no_mac', 'disabled_device', 'no_extension'] as const;
export type RadiusIgnoreReason = (typeof RADIUS_IGNORE_REASONS)[number];

/** Valid accounting requests ingest could not serve (not answered, so the client retransmits). */
export const RADIUS_DROP_REASONS = ['publish_failed', 'overloaded'] as const;
export type RadiusDropReason = (typeof RADIUS_DROP_REASONS)[number];

export const ACCOUNTING_STATUSES = ['start', 'interim', 'stop', 'on', 'off', 'other'] as const;
export type AccountingStatus = (typeof ACCOUNTING_STATUSES)[number];

export interface RadiusObserver {
  radiusRejected(reason: RadiusRejectionReason, src: string): void;
  radiusDropped(reason: RadiusDropReason, src: string, err?: unknown): void;
  /** authenticated, from a known client */
  radiusAccepted(status: AccountingStatus): void;
  radiusIgnored(reason: RadiusIgnoreReason): void;
  /** a retransmission of a request already handled (or in progress): answered, not published again */
  radiusDuplicate(): void;
  radiusAnswered(): void;
  /** datagram received -> publish acknowledged */
  published(seconds: number): void;
}

// Change-driven presence: the contract between router and ingest in Redis (docs/performance.md,
// "Change-driven presence"). Router marks a device "quiet" when another identical report could not
// change its user's routing (hysteresis settled, no other fresh device of the user), storing the
// report's fingerprint; ingest then answers such a report without a JetStream message, recording
// only when it was seen in one sorted set that router scans for presence timeouts.

/** What a report is fingerprinted from (PresenceReported's networks, or router's stored record). */
export interface FingerprintNet {
  readonly ssid?: string | null;
  readonly bssid?: string | null;
  readonly rssiDbm?: number | null;
}

/** Router's matching settings a fingerprint depends on; stored with it so ingest uses the same. */
export interface FingerprintSettings {
  /** visible networks count at or above this signal (router's VISIBLE_RSSI_MIN_DBM) */
  readonly visibleRssiMinDbm: number;
  /** how many visible networks router keeps, strongest first */
  readonly maxVisible: number;
}

const norm = (n: FingerprintNet) => `${n.ssid ?? ''}\u0001${(n.bssid ?? '').toLowerCase()}`;

/**
 * Everything of a report that router's location matching reads: the connected network and the
 * strongest visible networks at or above the threshold, in router's order (signal, then BSSID).
 * Signal strengths themselves are left out: within the threshold they never change a match.
 */
export function presenceFingerprint(
  connected: FingerprintNet | null | undefined,
  visible: readonly FingerprintNet[],
  s: FingerprintSettings,
): string {
  const c = connected && (connected.ssid || connected.bssid) ? norm(connected) : '';
  const strong = visible
    .filter((n) => (n.rssiDbm ?? 0) >= s.visibleRssiMinDbm)
    .map((n) => ({ n, rssi: n.rssiDbm ?? 0, bssid: (n.bssid ?? '').toLowerCase() }))
    .sort((a, b) => b.rssi - a.rssi || (a.bssid < b.bssid ? -1 : a.bssid > b.bssid ? 1 : 0))
    .slice(0, Math.max(0, s.maxVisible))
    .map((x) => norm(x.n));
  return [c, ...strong].join('\u0002');
}

/** The quiet key's value: the settings and the fingerprint. */
export function encodeQuiet(s: FingerprintSettings, fingerprint: string): string {
  return `${s.visibleRssiMinDbm}|${s.maxVisible}|${fingerprint}`;
}

/**
 * What ingest writes in place of the mark when it publishes a changed report: `~<counter>`. It is
 * not quiet, and router replaces it only with a mark of that report or a later one (its write is
 * a script that leaves a newer tombstone alone): otherwise a phone that moved and came straight back
 * while router was away would be answered from the mark of where it was before, and router, applying
 * the move later, would keep the user there.
 */
export function quietTombstone(counter: number): string {
  return `~${counter}`;
}

/**
 * What ingest writes beside the tombstone once JetStream has stored that report (the pending key):
 * the report's counter, its stream sequence and its fingerprint. While the quiet key still holds
 * that report's tombstone and router's partition durable has not acknowledged that sequence, a
 * report with the same fingerprint tells router nothing the waiting one will not: ingest records its
 * liveness and answers it without a bus message (docs/performance.md, "A router that falls behind no
 * longer feeds its backlog"). The acknowledged floor is read from JetStream, never from Redis, so a
 * router commit lost in a Redis failover or a take-back lost with a killed router cannot keep it
 * standing.
 */
export function encodePending(
  counter: number,
  seq: number,
  s: FingerprintSettings,
  fingerprint: string,
): string {
  return `${counter}@${seq}|${encodeQuiet(s, fingerprint)}`;
}

export function decodePending(
  raw: string,
): { counter: number; seq: number; settings: FingerprintSettings; fingerprint: string } | null {
  const at = raw.indexOf('@');
  const bar = raw.indexOf('|', at);
  if (at <= 0 || bar < 0) return null;
  const counter = Number(raw.slice(0, at));
  const seq = Number(raw.slice(at + 1, bar));
  const quiet = decodeQuiet(raw.slice(bar + 1));
  if (!Number.isSafeInteger(counter) || !Number.isSafeInteger(seq) || seq <= 0 || !quiet) return null;
  return { counter, seq, ...quiet };
}

/** A pending key outlives its report's wait in the stream by far; the TTL only clears what is left. */
export const PENDING_TTL_MS = 3600_000;

export function decodeQuiet(raw: string): { settings: FingerprintSettings; fingerprint: string } | null {
  const a = raw.indexOf('|');
  const b = raw.indexOf('|', a + 1);
  if (a < 0 || b < 0) return null;
  const visibleRssiMinDbm = Number(raw.slice(0, a));
  const maxVisible = Number(raw.slice(a + 1, b));
  if (!Number.isFinite(visibleRssiMinDbm) || !Number.isInteger(maxVisible)) return null;
  return { settings: { visibleRssiMinDbm, maxVisible }, fingerprint: raw.slice(b + 1) };
}

/**
 * Redis keys of the contract, per installation (SA_BUS_PREFIX). All of them share one Redis Cluster
 * slot: ingest reads many quiet keys in one MGET and router writes them with the liveness set in one
 * pipeline, and a Cluster serves either only within a slot. The quiet keys take the liveness key's
 * whole name as their hash tag, `{sa:<prefix>:live}`, which lands in the slot of the liveness key
 * `sa:<prefix>:live` itself (a key without braces is hashed whole): so the liveness key kept its
 * name, and a router upgraded past this change still times out the devices already in it. (Old
 * quiet keys are simply not found: those devices publish once more and are marked again.)
 */
export function quietPresenceKeys(busPrefix: string): {
  /** STRING: a quiet device record's encodeQuiet value or ingest's quietTombstone (record id = device id, or `<id>~wifi`) */
  quiet(recordId: string): string;

  /** STRING: ingest's encodePending of the published report its tombstone stands for */
  pending(recordId: string): string;
  /** ZSET member `<ext>/<record id>` -> when ingest last saw a quiet report (ms) */
  readonly liveness: string;
} {
  const liveness = `sa:${busPrefix}:live`;
  return {
    quiet: (recordId) => `{${liveness}}:quiet:${recordId}`,
    pending: (recordId) => `{${liveness}}:pending:${recordId}`,
    liveness,
  };
}

export function livenessMember(extension: string, recordId: string): string {
  return `${extension}/${recordId}`;
}

export function parseLivenessMember(member: string): { extension: string; recordId: string } | null {
  const slash = member.indexOf('/');
  if (slash <= 0 || slash === member.length - 1) return null;
  return { extension: member.slice(0, slash), recordId: member.slice(slash + 1) };
}

/** A quiet key lives this long without being rewritten, so one lost delete cannot last. */
export const QUIET_TTL_MS = 24 * 3600_000;

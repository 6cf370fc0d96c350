// Compact serialisation of a user's state (positional arrays keep it well under 1 KB per user).
// Stored as "<rev>:<epoch>:<json>" so the commit script reads rev and epoch without JSON parsing.
// Devices are a list of rows that start with the device id; states written before that change hold
// an object keyed by device id instead, and are still read.
import type { ChoiceRecord, Decision, DeviceRecord, Evidence, Net, UserState } from '../domain/types.js';

type NetRow = [string, string, number];
/** the device's fields in DeviceRecord order, without its id */
type DeviceFields = [
  number,
  number,
  number,
  NetRow | 0,
  NetRow[],
  string,
  number,
  string | null,
  number,
  number,
  // quiet (1); absent in states written before change-driven presence
  1?,
];
type ChoiceRow = [string, number, string, number];
type DecisionRow = [string, string, string, string, string, number, number];
type DeviceRow = [string, ...DeviceFields];
type StateRow = [DeviceRow[] | Record<string, DeviceFields>, ChoiceRow | 0, DecisionRow | 0];

export interface StoredUser {
  readonly rev: number;
  readonly epoch: number;
  readonly state: UserState;
}

const netRow = (n: Net): NetRow => [n.ssid, n.bssid, n.rssiDbm];
const rowNet = (r: NetRow): Net => ({ ssid: r[0], bssid: r[1], rssiDbm: r[2] });

export function encodeDecision(d: Decision): DecisionRow {
  return [d.scenarioId, d.scenarioName, d.targetDial, d.targetName, d.reason, d.decidedAtMs, d.version];
}

export function decodeDecision(r: DecisionRow): Decision {
  return {
    scenarioId: r[0],
    scenarioName: r[1],
    targetDial: r[2],
    targetName: r[3],
    reason: r[4],
    decidedAtMs: r[5],
    version: r[6],
  };
}

export function encodeState(rev: number, epoch: number, s: UserState): string {
  const devices: DeviceRow[] = [];
  for (const d of s.devices) {
    const row: DeviceRow = [
      d.id,
      d.counter,
      d.choiceCounter,
      d.seenAtMs,
      d.connected ? netRow(d.connected) : 0,
      d.visible.map(netRow),
      d.location,
      d.evidence,
      d.candidate,
      d.candidateCount,
      d.candidateSinceMs,
    ];
    if (d.quiet) row.push(1);
    devices.push(row);
  }
  const c = s.choice;
  const row: StateRow = [
    devices,
    c ? [c.scenarioId, c.expiresAtMs, c.deviceId, c.atMs] : 0,
    s.decision ? encodeDecision(s.decision) : 0,
  ];
  return `${rev}:${epoch}:${JSON.stringify(row)}`;
}

export function decodeState(raw: string): StoredUser {
  const first = raw.indexOf(':');
  const second = raw.indexOf(':', first + 1);
  const rev = Number(raw.slice(0, first));
  const epoch = Number(raw.slice(first + 1, second));
  const row = JSON.parse(raw.slice(second + 1)) as StateRow;
  const rows = Array.isArray(row[0])
    ? row[0]
    : Object.entries(row[0]).map(([id, fields]): DeviceRow => [id, ...fields]);
  const devices = rows.map(
    (r): DeviceRecord => ({
      id: r[0],
      counter: r[1],
      choiceCounter: r[2],
      seenAtMs: r[3],
      connected: r[4] === 0 ? null : rowNet(r[4]),
      visible: r[5].map(rowNet),
      location: r[6],
      evidence: r[7] as Evidence,
      candidate: r[8],
      candidateCount: r[9],
      candidateSinceMs: r[10],
      quiet: r[11] === 1,
    }),
  );
  const c = row[1];
  const choice: ChoiceRecord | null =
    c === 0 ? null : { scenarioId: c[0], expiresAtMs: c[1], deviceId: c[2], atMs: c[3] };
  return { rev, epoch, state: { devices, choice, decision: row[2] === 0 ? null : decodeDecision(row[2]) } };
}

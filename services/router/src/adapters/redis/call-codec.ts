// Compact serialisation of a recorded call decision (one entry of a user's capped call log).
// A positional JSON array without the extension (it is in the key) and with times in base 36:
// ~40% of the size of the object it replaced, so a log of CALL_LOG_LENGTH entries plus the
// state stays under 1 KB of Redis per user. Entries written before (JSON objects) still decode.
import type { CallRecord } from '../../routing/ports.js';

type CallRow =
  | [1, string, string, string, string, string, string, number, 0 | 1]
  | [1, string, string, string, string, string, string, number, 0 | 1, string];

export function encodeCall(r: CallRecord): string {
  const row: CallRow = [
    1,
    r.callId,
    r.callerIdNum,
    r.targetDial,
    r.scenarioId,
    r.reason,
    r.decidedAtMs.toString(36),
    r.version,
    r.fallback ? 1 : 0,
  ];
  if (r.redirectedFrom !== undefined) row.push(r.redirectedFrom);
  return JSON.stringify(row);
}

export function decodeCall(extension: string, raw: string): CallRecord {
  if (raw.startsWith('{')) return JSON.parse(raw) as CallRecord;
  const r = JSON.parse(raw) as CallRow;
  return {
    callId: r[1],
    extension,
    callerIdNum: r[2],
    targetDial: r[3],
    scenarioId: r[4],
    reason: r[5],
    decidedAtMs: Number.parseInt(r[6], 36),
    fallback: r[8] === 1,
    version: r[7],
    ...(r[9] !== undefined ? { redirectedFrom: r[9] } : {}),
  };
}

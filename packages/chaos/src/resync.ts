// From the behind episodes (astdb-sync.ts) to each fault's resync time. A fault's window runs from
// its injection (less the tolerance, so a report acknowledged just before it counts) to the next
// fault's; its resync time is from the injection to the moment the last user that fell behind in
// the window was right again: "fault -> every user's AstDB target correct again". No user behind
// in the window: 0 (every user stayed within the tolerance of the pipeline's normal latency).
// Episodes before the first fault are the steady state's, reported apart.
import { type BehindEpisode, TOLERANCE_MS } from './astdb-sync.js';

export interface FaultWindow {
  readonly atMs: number;
}

export interface Resync {
  readonly resyncS: number;
  /** users that fell behind (> tolerance) in the window */
  readonly usersBehind: number;
  /** users still behind at the window's end */
  readonly unresolved: number;
}

const round1 = (s: number) => Math.round(s * 10) / 10;

export function resyncByFault(
  faults: readonly FaultWindow[],
  episodes: readonly BehindEpisode[],
  endMs: number,
): Resync[] {
  return faults.map((f, k) => {
    const from = f.atMs - TOLERANCE_MS;
    const to = (faults[k + 1]?.atMs ?? endMs) - TOLERANCE_MS;
    const mine = episodes.filter((e) => e.startMs >= from && e.startMs < to);
    const users = new Set(mine.map((e) => e.user));
    const unresolved = mine.filter((e) => !Number.isFinite(e.endMs)).length;
    const lastRight = mine.reduce((max, e) => Math.max(max, Math.min(e.endMs, endMs)), f.atMs);
    return { resyncS: round1((lastRight - f.atMs) / 1000), usersBehind: users.size, unresolved };
  });
}

/** The longest behind episode before the first fault (s), and how many there were. */
export function steadyState(
  firstFaultMs: number,
  episodes: readonly BehindEpisode[],
): { episodes: number; maxLagS: number } {
  const before = episodes.filter((e) => e.startMs < firstFaultMs - TOLERANCE_MS);
  const maxLag = before.reduce((max, e) => Math.max(max, e.endMs - e.startMs), 0);
  return { episodes: before.length, maxLagS: round1(maxLag / 1000) };
}

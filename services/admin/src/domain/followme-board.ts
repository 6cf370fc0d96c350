// FreePBX Follow-Me problems per user, as router announces them (FollowMeStatusChanged, FreePBX
// Follow-Me mode), kept in memory for the console. Router announces a problem when it finds it,
// again every republishMs while it lasts, and 'ok' when it ends (router's
// routing/followme-announcer.ts). So admin needs no store and no question to router (whose
// instances each own only some users): after a start it knows every open problem within one
// republishMs. A problem not repeated for EXPIRY_PERIODS republish periods is dropped, so a user
// deleted since, or a router switched to astdb mode or stopped, leaves no stale warning behind.

export type FollowMeStatus = 'ok' | 'no-followme' | 'not-an-extension' | 'unknown';

export interface FollowMeReport {
  readonly extension: string;
  readonly status: FollowMeStatus;
  /** the one step that fixes it (router's text) */
  readonly fix: string;
  readonly checkedAtMs: number;
  /** router repeats a problem at least this often while it lasts; 0 = never forget it */
  readonly republishMs: number;
}

export interface FollowMeProblem {
  readonly extension: string;
  readonly status: Exclude<FollowMeStatus, 'ok'>;
  readonly fix: string;
  /** when router last read AstDB for this user */
  readonly checkedAt: string;
}

const EXPIRY_PERIODS = 3;

export class FollowMeBoard {
  readonly #problems = new Map<
    string,
    { problem: FollowMeProblem; checkedAtMs: number; expiresAtMs: number }
  >();

  constructor(private readonly clock: () => number = Date.now) {}

  /** false when an older report than the one held arrives late */
  apply(report: FollowMeReport): boolean {
    const current = this.#problems.get(report.extension);
    if (current && report.checkedAtMs < current.checkedAtMs) return false;
    if (report.status === 'ok') {
      this.#problems.delete(report.extension);
      return true;
    }
    this.#problems.set(report.extension, {
      problem: {
        extension: report.extension,
        status: report.status,
        fix: report.fix,
        checkedAt: new Date(report.checkedAtMs).toISOString(),
      },
      checkedAtMs: report.checkedAtMs,
      expiresAtMs:
        report.republishMs > 0
          ? this.clock() + EXPIRY_PERIODS * report.republishMs
          : Number.POSITIVE_INFINITY,
    });
    return true;
  }

  /** Users whose Follow Me FreePBX ignores, by extension. */
  problems(): FollowMeProblem[] {
    const now = this.clock();
    for (const [ext, p] of this.#problems) if (p.expiresAtMs <= now) this.#problems.delete(ext);
    return [...this.#problems.values()]
      .map((p) => p.problem)
      .sort((a, b) => a.extension.localeCompare(b.extension));
  }
}

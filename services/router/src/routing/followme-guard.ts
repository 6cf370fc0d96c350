// Follow-Me mode's watch over FreePBX (ASTERISK_TARGET_MODE followme/both). AstDB changes raise no
// AMI event, and FreePBX rewrites the Follow-Me keys behind router's back: FreePBX 17's reload puts
// strategy (and postdest, ringing ...) back from SQL, and saving a user's Follow Me page deletes the
// whole AMPUSER/<ext>/followme tree and writes the form. So every FOLLOWME_VERIFY_S one check reads
// the few AMPUSER keys it needs (FOLLOWME_CHECK_KEYS: router's five, followme/changecid, cidname),
// one small AMI Command each through ami-bridge (`database showkey <key>`: about one line per
// extension, so each answer stays far below the 1 MB AMI and NATS limits with thousands of users):
//  * refreshes the FreePBX extension list the write plan needs for the `#` rule;
//  * compares each owned user's Follow-Me keys with what its current decision wants, and has
//    AstDbSync write the decision again where they differ (never an older version than written);
//  * classifies each owned user (saved Follow Me / none / no extension) and warns once per change,
//    with the one step that fixes it.
// When any read fails, the check fails as a whole: the last extension list stays in use
// (FOLLOWME_INTERNAL_PATTERN until one check succeeded) and nothing is repaired until a check
// succeeds again. A check without any AMPUSER extension (no FreePBX) leaves the decision to the
// pattern as well.
import type { Logger } from '@sa/platform';
import {
  AmpuserSnapshot,
  type AstDbEntry,
  FOLLOWME_CHECK_KEYS,
  type FollowMeUserStatus,
  followMeFix,
} from '../domain/ampuser-snapshot.js';
import { followMeDrift, type KnownExtensions } from '../domain/followme.js';
import type { Decision } from '../domain/types.js';
import type { AstDbReader, UserStateStore } from './ports.js';

export interface OwnedUser {
  readonly extension: string;
  readonly partition: number;
}

/** What the console can show about one user's Follow Me (ops `GET /decisions/<ext>`). */
export interface FollowMeReport {
  readonly status: FollowMeUserStatus;
  readonly checkedAtMs: number;
  /** the one step that fixes a status other than 'ok' */
  readonly fix: string | null;
}

export interface FollowMeCheckResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly repaired: number;
  /** owned users per status other than 'ok' */
  readonly missing: Readonly<Record<Exclude<FollowMeUserStatus, 'ok'>, number>>;
}

export interface FollowMeGuardDeps {
  readonly reader: AstDbReader;
  readonly store: Pick<UserStateStore, 'load'>;
  /** users of the partitions this instance owns now */
  readonly owned: () => Iterable<OwnedUser>;
  /** the Follow-Me keys (name under followme/ -> value) the decision should leave in AstDB */
  readonly wanted: (
    extension: string,
    decision: Decision,
    known: KnownExtensions,
  ) => ReadonlyMap<string, string>;
  /**
   * write the user's decision again, unless this router has not written it yet or its own write may
   * be newer than the read (AstDbSync.repair; readAt = writeMark() before the read); true when a
   * write was queued
   */
  readonly repair: (extension: string, partition: number, decision: Decision, readAt: number) => boolean;
  /** a mark of router's own confirmed AstDB writes so far (AstDbSync.writeCount) */
  readonly writeMark: () => number;
  readonly periodMs: number;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly onChecked?: (r: FollowMeCheckResult) => void;
  /** each owned user's report after each check, with its status at the check before (null: none) */
  readonly onReport?: (
    extension: string,
    report: FollowMeReport,
    previous: FollowMeUserStatus | null,
  ) => void;
}

const FAMILY = 'AMPUSER';

export class FollowMeGuard {
  private knownExtensions: KnownExtensions = null;
  private readonly reports = new Map<string, FollowMeReport>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private failures = 0;

  constructor(private readonly deps: FollowMeGuardDeps) {}

  /** The FreePBX extensions of the last successful read (null: none yet). */
  known(): KnownExtensions {
    return this.knownExtensions;
  }

  /** The last check's view of an owned user, or null (not owned here, or not checked yet). */
  report(extension: string): FollowMeReport | null {
    return this.reports.get(extension) ?? null;
  }

  /** Checks at once, then every periodMs (a check still running is not started twice). */
  start(): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.deps.periodMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.check()
      .catch((err) => this.deps.logger.warn({ err }, 'Follow-Me check failed'))
      .finally(() => {
        this.running = null;
      });
  }

  /** One check: read the AMPUSER keys, refresh the extension list, repair drifted users, classify them. */
  async check(): Promise<FollowMeCheckResult> {
    const { logger } = this.deps;
    let snapshot: AmpuserSnapshot;
    let readAt: number;
    try {
      // one read after the other: each gets the whole AMI timeout, and Asterisk scans AstDB once at a time
      readAt = this.deps.writeMark();
      const reads: AstDbEntry[][] = [];
      for (const key of FOLLOWME_CHECK_KEYS) reads.push(await this.deps.reader.showKey(key));
      snapshot = AmpuserSnapshot.parse(reads.flat());
    } catch (err) {
      this.failures++;
      if (this.failures === 1 || this.failures % 60 === 0)
        logger.warn(
          {
            event: 'followme_read_failed',
            code: 'ROUTER_FOLLOWME_READ_FAILED',
            failures: this.failures,
            err,
          },
          `Follow-Me check: cannot read ${FAMILY} from AstDB (${String(err)}); ` +
            (this.knownExtensions
              ? 'the last extension list stays in use'
              : 'FOLLOWME_INTERNAL_PATTERN decides which list entries get #') +
            ', FreePBX changes are not repaired until it can. The AMI user needs write=command.',
        );
      const result = { ok: false, checked: 0, repaired: 0, missing: this.missingCounts() };
      this.deps.onChecked?.(result);
      return result;
    }
    if (this.failures > 0)
      logger.info({ event: 'followme_read_ok' }, `Follow-Me check: ${FAMILY} readable again`);
    this.failures = 0;
    // no AMPUSER extension at all is no FreePBX (or a wiped AstDB): the pattern decides then
    this.knownExtensions = snapshot.extensions.size > 0 ? snapshot.extensions : null;

    const users = [...this.deps.owned()];
    const stored = await this.deps.store.load(users.map((u) => u.extension));
    const now = this.deps.clock();
    let repaired = 0;
    const seen = new Set<string>();
    for (const { extension, partition } of users) {
      seen.add(extension);
      this.classify(extension, snapshot.status(extension), now);
      const decision = stored.get(extension)?.state.decision;
      if (!decision || this.stopped) continue;
      const actual = snapshot.followMe(extension);
      const drift = followMeDrift(this.deps.wanted(extension, decision, this.knownExtensions), actual);
      // not yet written by this router, or its own write is pending or newer than the read
      if (drift.length === 0 || !this.deps.repair(extension, partition, decision, readAt)) continue;
      repaired++;
      const found = drift.map((k) => `${k}=${actual?.get(k) ?? '(none)'}`).join(' ');
      logger.info(
        { event: 'followme_repair', extension, found, version: decision.version },
        `Follow-Me keys of ${extension} changed outside router (${found}): writing target ${decision.targetDial || '(none)'} again`,
      );
    }
    for (const ext of [...this.reports.keys()]) if (!seen.has(ext)) this.reports.delete(ext);
    const result = { ok: true, checked: users.length, repaired, missing: this.missingCounts() };
    this.deps.onChecked?.(result);
    return result;
  }

  private classify(extension: string, status: FollowMeUserStatus, now: number): void {
    const previous = this.reports.get(extension)?.status;
    const fix = followMeFix(extension, status);
    const report = { status, checkedAtMs: now, fix };
    this.reports.set(extension, report);
    this.deps.onReport?.(extension, report, previous ?? null);
    if (status === previous) return;
    if (status !== 'ok')
      this.deps.logger.warn(
        { event: 'followme_missing', code: 'ROUTER_FOLLOWME_MISSING', extension, status },
        status === 'no-followme'
          ? `${extension} has no saved Follow Me, so FreePBX ignores router's Follow-Me keys for it. Fix: ${fix}`
          : `Follow-Me mode cannot route calls to ${extension}. Fix: ${fix}`,
      );
    else if (previous !== undefined)
      this.deps.logger.info(
        { event: 'followme_found', extension },
        `Follow Me for ${extension} is saved now: router's keys take effect`,
      );
  }

  private missingCounts(): FollowMeCheckResult['missing'] {
    const out = { 'no-followme': 0, 'not-an-extension': 0 };
    for (const r of this.reports.values()) if (r.status !== 'ok') out[r.status]++;
    return out;
  }
}

// Which of FollowMeGuard's per-user Follow-Me statuses the console is told about (FollowMeStatusChanged).
// The console keeps only what it was told, in memory, so a console that starts after router must still
// learn the open problems: a status other than 'ok' is announced when found and then again every
// republishMs while it lasts (the console forgets one not repeated for a few republishMs: a user that
// was deleted or moved to another router instance, or a router gone to astdb mode). 'ok' is announced
// only when it ends a problem, so a start with every Follow Me saved sends nothing. Re-announcing
// beats a request/reply: router instances each own some partitions, and none could answer for all.
import type { FollowMeUserStatus } from '../domain/ampuser-snapshot.js';
import type { FollowMeStatusPublisher } from './ports.js';

export interface FollowMeCheck {
  readonly status: FollowMeUserStatus;
  readonly fix: string | null;
  readonly checkedAtMs: number;
}

export class FollowMeAnnouncer {
  /** extension -> checkedAtMs of its last announced status other than 'ok' */
  private readonly announced = new Map<string, number>();

  constructor(
    private readonly publisher: FollowMeStatusPublisher,
    private readonly republishMs: number,
  ) {}

  /** One check's result for an owned user; previous: its status at the check before (null: none here). */
  checked(extension: string, check: FollowMeCheck, previous: FollowMeUserStatus | null): void {
    const changed = previous !== null && previous !== check.status;
    if (check.status === 'ok') {
      this.announced.delete(extension);
      if (changed) this.announce(extension, check);
      return;
    }
    const last = this.announced.get(extension);
    if (previous === null || changed || last === undefined || check.checkedAtMs - last >= this.republishMs) {
      this.announced.set(extension, check.checkedAtMs);
      this.announce(extension, check);
    }
  }

  private announce(extension: string, check: FollowMeCheck): void {
    this.publisher.followMeStatusChanged(extension, {
      status: check.status,
      fix: check.fix,
      checkedAtMs: check.checkedAtMs,
      republishMs: this.republishMs,
    });
  }
}

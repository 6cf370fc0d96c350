// Compares every user's AstDB target (in the AMI test server) with what its phone's acknowledged
// reports say it must be, all through the run.
//
// A user is right when SMARTASSISTANT/<ext>/target holds the target of its phone's last acknowledged
// place, or of the place its phone is reporting right now (sent, not yet answered: ingest may have
// stored it and router applied it before the answer came back). Every SAMPLE_MS every user is
// checked. A user that is not right has a mismatch from the moment it was last seen right or its
// report was acknowledged, whichever is later, until it is seen right again. Mismatches that last
// at most TOLERANCE_MS are the pipeline's normal latency (report -> JetStream -> router -> AMI);
// longer ones are "behind" episodes, kept with their start and end.
//
// Lost reports: an acknowledged move whose target never reached AstDB (no DBPut of it for that
// user) before the phone's next acknowledged move, if that came more than the resync bound (5 s)
// later, and, at the end, every user whose AstDB target is not its last acknowledged place's. A move
// superseded sooner, before its target was written (a phone that moved twice while AMI or its
// router was being taken over), is not lost: its target had stopped being the right one before the
// bound, AstDB is written with the newer one, and the time the user spent behind is counted by the
// behind episodes (resync). Those are counted apart, as supersededMoves.
import { extensionOf, indexOfExtension, targetDialAt } from '@sa/e2e';
import type { AmiTestServer } from '@sa/testkit/ami';
import { MAX_RESYNC_S } from './bounds.js';
import type { AckListener } from './phone-fleet.js';

const SAMPLE_MS = 100;
export const TOLERANCE_MS = 1000;
const RESYNC_BOUND_MS = MAX_RESYNC_S * 1000;

export interface BehindEpisode {
  readonly user: number;
  readonly startMs: number;
  /** when it was seen right again (Infinity: not yet) */
  endMs: number;
}

export class AstDbSync implements AckListener {
  readonly episodes: BehindEpisode[] = [];
  ackedReports = 0;
  ackedMoves = 0;
  /** acknowledged moves whose target never reached AstDB, superseded more than RESYNC_BOUND_MS later */
  unappliedMoves = 0;
  /** acknowledged moves superseded within RESYNC_BOUND_MS, before their target reached AstDB */
  supersededMoves = 0;
  /** each unapplied move: the user, when it was acknowledged and when the next move superseded it */
  readonly unapplied: { user: number; ackedAtMs: number; supersededAtMs: number }[] = [];
  readonly #acked: Int8Array;
  readonly #ackedAt: Float64Array;
  readonly #okAt: Float64Array;
  readonly #mismatchSince: Float64Array;
  /** target of an acknowledged move not yet written (''), and the last target written per user */
  readonly #awaiting: string[];
  readonly #lastWrite: string[];
  readonly #lastWriteAt: Float64Array;
  readonly #open = new Map<number, BehindEpisode>();
  #scanned = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly ami: AmiTestServer,
    readonly users: number,
    readonly pending: Int8Array,
  ) {
    this.#acked = new Int8Array(users).fill(-1);
    this.#ackedAt = new Float64Array(users);
    this.#okAt = new Float64Array(users);
    this.#mismatchSince = new Float64Array(users);
    this.#awaiting = new Array<string>(users).fill('');
    this.#lastWrite = new Array<string>(users).fill('');
    this.#lastWriteAt = new Float64Array(users);
  }

  start(): void {
    this.#timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  acked(i: number, place: number, firstSentAtMs: number, atMs: number): void {
    this.ackedReports++;
    const before = this.#acked[i]!;
    const previousAckAt = this.#ackedAt[i]!;
    this.#acked[i] = place;
    this.#ackedAt[i] = atMs;
    if (before === place) return;
    if (before >= 0) this.ackedMoves++;
    if (this.#awaiting[i] && atMs - previousAckAt <= RESYNC_BOUND_MS) this.supersededMoves++;
    else if (this.#awaiting[i]) {
      this.unappliedMoves++;
      this.unapplied.push({ user: i, ackedAtMs: previousAckAt, supersededAtMs: atMs });
    }
    const target = targetDialAt(i, place);
    // written already (router applied the report before the answer got back), or held already (a
    // move back to where AstDB still points, the move away having been superseded unwritten)?
    const written =
      (this.#lastWrite[i] === target && this.#lastWriteAt[i]! >= firstSentAtMs) || this.astdb(i) === target;
    this.#awaiting[i] = written ? '' : target;
  }

  /** The target this user's AstDB must hold now: its last acknowledged place's ('' if none). */
  expected(i: number): string {
    const p = this.#acked[i]!;
    return p < 0 ? '' : targetDialAt(i, p);
  }

  /** Right: AstDB holds the acknowledged place's target or the one being reported. */
  isRight(i: number, astdb: string | undefined): boolean {
    if (astdb === undefined) return false;
    if (astdb === this.expected(i)) return true;
    const p = this.pending[i]!;
    return p >= 0 && astdb === targetDialAt(i, p);
  }

  astdb(i: number): string | undefined {
    return this.ami.dbGet('SMARTASSISTANT', `${extensionOf(i)}/target`);
  }

  /** Users whose phone has an acknowledged place and whose AstDB target is right. */
  rightCount(): number {
    let n = 0;
    for (let i = 0; i < this.users; i++) if (this.#acked[i]! >= 0 && this.isRight(i, this.astdb(i))) n++;
    return n;
  }

  /** Users whose AstDB target is not their last acknowledged place's (the end-of-run check). */
  wrongAtEnd(): number[] {
    const wrong: number[] = [];
    for (let i = 0; i < this.users; i++) if (this.astdb(i) !== this.expected(i)) wrong.push(i);
    return wrong;
  }

  sample(): void {
    this.#scanWrites();
    const now = Date.now();
    for (let i = 0; i < this.users; i++) {
      if (this.#acked[i]! < 0) continue;
      if (this.isRight(i, this.astdb(i))) {
        this.#seenRight(i, now);
        continue;
      }
      if (this.#mismatchSince[i] === 0) this.#mismatchSince[i] = Math.max(this.#okAt[i]!, this.#ackedAt[i]!);
      const since = this.#mismatchSince[i]!;
      if (now - since > TOLERANCE_MS && !this.#open.has(i)) {
        const episode = { user: i, startMs: since, endMs: Number.POSITIVE_INFINITY };
        this.#open.set(i, episode);
        this.episodes.push(episode);
      }
    }
  }

  /** Episodes still open. */
  get behindNow(): number {
    return this.#open.size;
  }

  #seenRight(i: number, now: number): void {
    this.#okAt[i] = now;
    this.#mismatchSince[i] = 0;
    const open = this.#open.get(i);
    if (open) {
      open.endMs = now;
      this.#open.delete(i);
    }
  }

  /** DBPuts of SMARTASSISTANT/<ext>/target received since the last scan. */
  #scanWrites(): void {
    const received = this.ami.received;
    for (; this.#scanned < received.length; this.#scanned++) {
      const { message, at } = received[this.#scanned]!;
      if (message.get('Action')?.toLowerCase() !== 'dbput' || message.get('Family') !== 'SMARTASSISTANT')
        continue;
      const key = message.get('Key') ?? '';
      if (!key.endsWith('/target')) continue;
      const i = indexOfExtension(key.slice(0, -'/target'.length));
      if (!(i >= 0 && i < this.users)) continue;
      const value = message.get('Val') ?? '';
      this.#lastWrite[i] = value;
      this.#lastWriteAt[i] = at;
      if (this.#awaiting[i] === value) this.#awaiting[i] = '';
    }
  }
}

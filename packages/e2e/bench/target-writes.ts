// Watches the AMI test server (in this process) for router's target writes, DBPut
// SMARTASSISTANT/<ext>/target, and times the ones the fleet bench waits for: a mover's new target
// (from the report at the new place) and a stopped phone's default target (from its last report).
// The generator tells of moves up to 50 ms after sending them, so a write may come first: the last
// write per user is kept and checked when the expectation arrives.
import type { AmiTestServer } from '@sa/testkit/ami';
import { extensionOf, indexOfExtension, initialPlace, targetDialAt } from './fleet-model.js';
import { MoveTimeline, type SlowMove } from './move-timeline.js';

interface Expected {
  readonly dial: string;
  readonly sinceMs: number;
}

interface Write {
  readonly dial: string;
  readonly atMs: number;
}

const TARGET_SUFFIX = '/target';

export class TargetWrites {
  readonly moveLatenciesMs: number[] = [];
  /** the moves slower than MoveTimeline's threshold, for its split */
  readonly slowMoves: SlowMove[] = [];
  readonly staleLatenciesS: number[] = [];
  /** target writes seen since countFrom() */
  writes = 0;
  /** users whose last target write is the target of their phone's first place */
  atFirstPlace = 0;
  /** when the latest target write arrived (0: none yet) */
  lastWriteAtMs = 0;
  private readonly moves = new Map<number, Expected>();
  private readonly stale = new Map<number, Expected>();
  private readonly last = new Map<number, Write>();
  /** counted writes no expectation has taken (yet), by phone */
  private readonly unexpected = new Map<number, Write[]>();
  private countSinceMs = Number.POSITIVE_INFINITY;
  private countUntilMs = Number.POSITIVE_INFINITY;

  /**
   * `silentAfterEndMs`: how long after the last report is sent every phone still counts as present
   * (the presence timeout less the longest gap between two reports).
   */
  constructor(
    private readonly ami: AmiTestServer,
    private readonly silentAfterEndMs: number,
  ) {}

  /** Counts writes received at or after `atMs` (the measured phase's start). */
  countFrom(atMs: number): void {
    this.countSinceMs = atMs;
  }

  /**
   * The phones stopped reporting at `atMs`: from `silentAfterEndMs` later every user may fall back
   * to the default, so writes are no longer counted (a stale phone's awaited fallback still is).
   */
  sendingEnded(atMs: number): void {
    this.countUntilMs = atMs + Math.max(0, this.silentAfterEndMs);
  }

  /** Users with any target write so far. */
  get usersWritten(): number {
    return this.last.size;
  }

  get pendingMoves(): number {
    return this.moves.size;
  }

  get pendingStale(): number {
    return this.stale.size;
  }

  /** The latest time a pending stale phone's last report was sent. */
  get latestStaleSinceMs(): number {
    let latest = 0;
    for (const e of this.stale.values()) latest = Math.max(latest, e.sinceMs);
    return latest;
  }

  expectMove(i: number, dial: string, sentAtMs: number): void {
    if (this.takeIfWritten(i, dial, sentAtMs, (ms) => this.moveTook(i, sentAtMs, ms))) return;
    this.moves.set(i, { dial, sinceMs: sentAtMs });
  }

  expectStale(i: number, dial: string, lastSentAtMs: number): void {
    if (this.takeIfWritten(i, dial, lastSentAtMs, (ms) => this.staleLatenciesS.push(ms / 1000))) return;
    this.stale.set(i, { dial, sinceMs: lastSentAtMs });
  }

  /** Takes every action the AMI test server received since the last call. */
  drain(): void {
    const received = this.ami.received.splice(0);
    for (const { message, at } of received) {
      if (message.get('Action')?.toLowerCase() !== 'dbput') continue;
      if (message.get('Family') !== 'SMARTASSISTANT') continue;
      const key = message.get('Key') ?? '';
      if (!key.endsWith(TARGET_SUFFIX)) continue;
      const i = indexOfExtension(key.slice(0, -TARGET_SUFFIX.length));
      if (i < 0) continue;
      const dial = message.get('Val') ?? '';
      const write = { dial, atMs: at };
      this.lastWriteAtMs = Math.max(this.lastWriteAtMs, at);
      const first = targetDialAt(i, initialPlace(i));
      if (dial === first && this.last.get(i)?.dial !== first) this.atFirstPlace++;
      else if (dial !== first && this.last.get(i)?.dial === first) this.atFirstPlace--;
      this.last.set(i, write);
      const move = this.moves.get(i);
      const stale = this.stale.get(i);
      if (move && move.dial === dial && at >= move.sinceMs) {
        this.moves.delete(i);
        this.moveTook(i, move.sinceMs, at - move.sinceMs);
      } else if (stale && stale.dial === dial && at >= stale.sinceMs) {
        this.stale.delete(i);
        this.staleLatenciesS.push((at - stale.sinceMs) / 1000);
      } else if (this.counts(at)) {
        const list = this.unexpected.get(i);
        if (list) list.push(write);
        else this.unexpected.set(i, [write]);
      }
      if (this.counts(at)) this.writes++;
    }
  }

  private counts(atMs: number): boolean {
    return atMs >= this.countSinceMs && atMs < this.countUntilMs;
  }

  /** Counted writes that no move or stop explains: count, and a few as [phone, dial, at]. */
  unexplained(sample: number): { count: number; sample: [number, string, number][] } {
    let count = 0;
    const out: [number, string, number][] = [];
    for (const [i, list] of this.unexpected) {
      count += list.length;
      for (const w of list) if (out.length < sample) out.push([i, w.dial, w.atMs]);
    }
    return { count, sample: out };
  }

  private moveTook(i: number, sentAtMs: number, ms: number): void {
    this.moveLatenciesMs.push(ms);
    if (MoveTimeline.isSlow(ms))
      this.slowMoves.push({ extension: extensionOf(i), sentAtMs, dbPutAtMs: sentAtMs + ms });
  }

  private takeIfWritten(i: number, dial: string, sinceMs: number, record: (ms: number) => void): boolean {
    const w = this.last.get(i);
    if (!w || w.dial !== dial || w.atMs < sinceMs) return false;
    record(w.atMs - sinceMs);
    const list = this.unexpected.get(i);
    const k = list?.indexOf(w) ?? -1;
    if (list && k >= 0) {
      list.splice(k, 1);
      if (list.length === 0) this.unexpected.delete(i);
    }
    return true;
  }
}

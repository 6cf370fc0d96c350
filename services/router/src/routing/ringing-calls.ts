// Calls router routed that still ring (not answered, not hung up), per user, so a target change
// can move them to the new target (REDIRECT_RINGING_ON_CHANGE). Learned from CallArrived answers
// (this instance) and CallLifecycle REDIRECTED (any instance: the partition owner that sees the
// target change may not be the instance that answered the call); forgotten on ANSWERED / HUNG_UP,
// after a TTL, or oldest-first beyond a bound. No I/O: the clock is injected.

export interface RingingCall {
  readonly callId: string;
  readonly extension: string;
  channel: string;
  /** the dial string the call was last sent to */
  destination: string;
  callerIdNum: string;
  readonly sinceMs: number;
}

export interface RingingRedirect {
  readonly call: RingingCall;
  readonly from: string;
  readonly to: string;
}

export interface RingingCallsOptions {
  readonly maxCalls: number;
  readonly ttlMs: number;
  readonly clock: () => number;
}

export class RingingCalls {
  /** insertion order = age order (an entry is never re-inserted while it lives) */
  private readonly calls = new Map<string, RingingCall>();
  private readonly byExtension = new Map<string, Set<string>>();

  constructor(private readonly o: RingingCallsOptions) {}

  get size(): number {
    return this.calls.size;
  }

  /** A call was sent to `destination` (first routing or a later redirect). */
  routed(callId: string, extension: string, channel: string, destination: string, callerIdNum = ''): void {
    this.expire();
    if (!callId || !extension || !destination) return;
    const known = this.calls.get(callId);
    if (known) {
      if (channel) known.channel = channel;
      known.destination = destination;
      if (callerIdNum) known.callerIdNum = callerIdNum;
      return;
    }
    if (!channel) return;
    while (this.calls.size >= this.o.maxCalls) {
      const oldest = this.calls.keys().next().value;
      if (oldest === undefined) break;
      this.ended(oldest);
    }
    this.calls.set(callId, {
      callId,
      extension,
      channel,
      destination,
      callerIdNum,
      sinceMs: this.o.clock(),
    });
    const set = this.byExtension.get(extension);
    if (set) set.add(callId);
    else this.byExtension.set(extension, new Set([callId]));
  }

  /** Answered or hung up: it no longer rings. */
  ended(callId: string): void {
    const c = this.calls.get(callId);
    if (!c) return;
    this.calls.delete(callId);
    const set = this.byExtension.get(c.extension);
    set?.delete(callId);
    if (set?.size === 0) this.byExtension.delete(c.extension);
  }

  /**
   * The user's target is now `targetDial`: the still-ringing calls elsewhere, each already marked
   * as sent there (the caller issues the Redirects). No target = nothing to move them to.
   */
  retarget(extension: string, targetDial: string): RingingRedirect[] {
    this.expire();
    const ids = this.byExtension.get(extension);
    if (!ids || targetDial === '') return [];
    const out: RingingRedirect[] = [];
    for (const id of ids) {
      const call = this.calls.get(id);
      if (!call || call.destination === targetDial) continue;
      out.push({ call, from: call.destination, to: targetDial });
      call.destination = targetDial;
    }
    return out;
  }

  private expire(): void {
    const cutoff = this.o.clock() - this.o.ttlMs;
    for (const c of this.calls.values()) {
      if (c.sinceMs > cutoff) break;
      this.ended(c.callId);
    }
  }
}

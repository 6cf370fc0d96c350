// Recognises calls entering our context from AMI events and follows them to answer/hang-up. Pure:
// takes header lookups, returns what happened; the app decides what to send. Answered = the
// waiting channel went Up (Newstate ChannelState 6: our dialplan only signals Ringing, so Up means
// the target picked up) or entered a bridge (BridgeEnter), whichever comes first.

export interface HeaderSource {
  get(name: string): string | undefined;
}

export interface CallAnnouncement {
  readonly callId: string;
  readonly linkedId: string;
  readonly channel: string;
  readonly extension: string;
  readonly callerIdNum: string;
  readonly callerIdName: string;
  /**
   * The AstDB-first dialplan's UserEvent names the target it dialled at once (its `Target` header,
   * "" for the extension's normal handling); undefined when the call waits for a Redirect (the
   * waiting dialplan of earlier releases, or a call seen only by its VarSet).
   */
  readonly dialledTarget?: string;
}

export type CallTransition =
  | { readonly kind: 'arrived'; readonly call: CallAnnouncement }
  | { readonly kind: 'answered'; readonly call: TrackedCall }
  | { readonly kind: 'hung-up'; readonly call: TrackedCall; readonly cause: string };

export interface TrackedCall extends CallAnnouncement {
  destination: string;
  answered: boolean;
}

export interface CallTrackerOptions {
  readonly userEvent: string;
  readonly context: string;
  readonly maxCalls?: number;
}

// Our dialplan sets __SA_EXTEN to the identified user, and Asterisk reports the name with its
// inheritance prefix (`Variable: __SA_EXTEN`). EXTTOCALL/FMGRP are not matched: they are never set in
// our context, and on FreePBX 17 EXTTOCALL holds a Follow-Me list entry, not the user.
const USER_VAR = 'SA_EXTEN';

export class CallTracker {
  readonly #calls = new Map<string, TrackedCall>();
  readonly #byChannel = new Map<string, string>();
  readonly #o: Required<CallTrackerOptions>;

  constructor(options: CallTrackerOptions) {
    this.#o = { maxCalls: 10_000, ...options };
  }

  get size(): number {
    return this.#calls.size;
  }

  get(callId: string): TrackedCall | undefined {
    return this.#calls.get(callId);
  }

  /** The tracked call on this channel (e.g. the target of a Redirect command). */
  byChannel(channel: string): TrackedCall | undefined {
    const id = this.#byChannel.get(channel);
    return id === undefined ? undefined : this.#calls.get(id);
  }

  /** Records where a call was sent (after a successful Redirect). */
  setDestination(callId: string, destination: string): void {
    const c = this.#calls.get(callId);
    if (c) c.destination = destination;
  }

  onEvent(e: HeaderSource): CallTransition | undefined {
    const event = e.get('Event')?.toLowerCase();
    if (event === 'userevent' && e.get('UserEvent')?.toLowerCase() === this.#o.userEvent.toLowerCase()) {
      return this.#arrive(e, e.get('Extension') ?? e.get('Exten'), e.get('Target'));
    }
    if (
      event === 'varset' &&
      e.get('Context') === this.#o.context &&
      (e.get('Variable') ?? '').replace(/^_+/, '').toUpperCase() === USER_VAR
    ) {
      return this.#arrive(e, e.get('Value'));
    }
    const id = e.get('Uniqueid');
    const call = id === undefined ? undefined : this.#calls.get(id);
    if (call === undefined) return undefined;
    if (event === 'hangup') {
      this.#forget(call);
      return { kind: 'hung-up', call, cause: e.get('Cause-txt') ?? e.get('Cause') ?? '' };
    }
    const up = (event === 'newstate' && e.get('ChannelState') === '6') || event === 'bridgeenter';
    if (up && !call.answered) {
      call.answered = true;
      return { kind: 'answered', call };
    }
    return undefined;
  }

  #arrive(
    e: HeaderSource,
    extension: string | undefined,
    dialledTarget?: string,
  ): CallTransition | undefined {
    const callId = e.get('Uniqueid');
    const channel = e.get('Channel');
    if (!callId || !channel || !extension) return undefined;
    if (this.#calls.has(callId)) return undefined; // UserEvent and VarSet for the same call
    if (this.#calls.size >= this.#o.maxCalls) {
      const oldest = this.#calls.keys().next().value;
      const call = oldest === undefined ? undefined : this.#calls.get(oldest);
      if (call) this.#forget(call);
    }
    const call: TrackedCall = {
      callId,
      linkedId: e.get('Linkedid') ?? callId,
      channel,
      extension,
      callerIdNum: e.get('CallerIDNum') ?? '',
      callerIdName: e.get('CallerIDName') ?? '',
      ...(dialledTarget !== undefined && { dialledTarget: dialledTarget.trim() }),
      destination: '',
      answered: false,
    };
    this.#calls.set(callId, call);
    this.#byChannel.set(channel, callId);
    return { kind: 'arrived', call };
  }

  #forget(call: TrackedCall): void {
    this.#calls.delete(call.callId);
    if (this.#byChannel.get(call.channel) === call.callId) this.#byChannel.delete(call.channel);
  }
}

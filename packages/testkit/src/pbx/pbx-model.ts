// A small Asterisk dialplan runner behind the AMI test server, so tests can place calls through the
// real deploy/asterisk/extensions_smartassistant.conf next to models of the PBX around it
// (freepbx-model.ts). Each call is a channel that runs dialplan steps; `Dial(Local/...)` runs a
// child channel that inherits `_`/`__` variables like Asterisk's; nested Local channels past
// Asterisk's max forwards (20) fail with "Max forwards exceeded". Time is scaled: one dialplan
// second lasts `secondMs` real milliseconds (an outcome's `wallMs` has real time, for benches).
// Channels appear to AMI clients as Asterisk shows them (Newchannel, Newexten, VarSet, UserEvent,
// Newstate, Hangup), and AMI `Redirect`/`Hangup` act on them. Not modelled: media, bridges, CDRs,
// and most applications (an unknown one fails the test).
import type { AmiTestServer } from '../ami/ami-test-server.js';
import type { WireHeaders } from '../ami/ami-wire.js';
import { channelHeaders, type SimulatedChannel } from '../ami/simulated-channel.js';
import { type Dialplan, findExtension, splitArgs } from './dialplan.js';
import { isTrue, type Scope, substitute } from './expression.js';

const MAX_FORWARDS = 20;

/** How a modelled phone answers: after that many dialplan seconds, or never. */
export type EndpointBehaviour = { readonly answerAfterS: number } | 'never';

export interface CallOutcome {
  /** the endpoint (`PJSIP/230`) or `voicemail:<box>` that took the call; null when nobody did */
  readonly answeredBy: string | null;
  /** how the call ended when nobody took it */
  readonly ended: 'answered' | 'hung-up' | 'congestion' | 'answered-then-dropped';
  /** every endpoint that was rung, in order, with the dialplan second it started */
  readonly rang: readonly { endpoint: string; atS: number }[];
  /** deepest chain of Local channels the call built (1 = the caller's channel only) */
  readonly maxDepth: number;
  readonly maxForwardsExceeded: boolean;
  /** the dialplan second each context was first entered (on any channel of the call) */
  readonly entered: Readonly<Record<string, number>>;
  /** real time, `performance.now()` ms, of each `entered` and each `rang` (same order): for benches */
  readonly wallMs: { readonly entered: Readonly<Record<string, number>>; readonly rang: readonly number[] };
  /** `[exten@context:prio] App(data)` for every step, prefixed with the channel's depth */
  readonly trace: readonly string[];
}

/** What a custom application (a PBX model's own logic) can do on its channel. */
export interface AppChannel {
  readonly name: string;
  readonly exten: string;
  get(variable: string): string;
  set(variable: string, value: string): void;
  /** Dials destinations in parallel (`Local/x@ctx`, `PJSIP/100`); resolves with DIALSTATUS. */
  dial(destinations: readonly string[], timeoutS: number): Promise<string>;
  note(text: string): void;
}
export type CustomApp = (ch: AppChannel, args: string[]) => Promise<void> | void;

export interface PbxModelOptions {
  readonly dialplan: Dialplan;
  readonly secondMs?: number;
  /** mailboxes (`230@default`) VoiceMail() can record into; others answer, then hang up */
  readonly mailboxes?: readonly string[];
  readonly apps?: Readonly<Record<string, CustomApp>>;
  /** global variables set over the dialplan's [globals] */
  readonly globals?: Readonly<Record<string, string>>;
}

class Hangup extends Error {}
class Jumped extends Error {}

interface CallState {
  answeredBy: string | null;
  ended: CallOutcome['ended'] | null;
  rang: { endpoint: string; atS: number }[];
  entered: Record<string, number>;
  wallMs: { entered: Record<string, number>; rang: number[] };
  maxDepth: number;
  maxForwardsExceeded: boolean;
  trace: string[];
  startedAt: number;
  done: () => void;
  channels: Set<ModelChannel>;
}

export class PbxModel {
  readonly globals = new Map<string, string>();
  readonly #endpoints = new Map<string, EndpointBehaviour>();
  readonly #byName = new Map<string, ModelChannel>();
  readonly secondMs: number;
  /** what channels run; a PBX model swaps it when it regenerates its dialplan (a reload) */
  dialplan: Dialplan;
  #localSeq = 0;
  #callerSeq = 0;

  constructor(
    readonly ami: AmiTestServer,
    readonly options: PbxModelOptions,
  ) {
    this.secondMs = options.secondMs ?? 50;
    this.dialplan = options.dialplan;
    for (const [k, v] of options.dialplan.globals) this.globals.set(k, v);
    for (const [k, v] of Object.entries(options.globals ?? {})) this.globals.set(k, v);
    ami.dialplan = {
      exists: (context, exten) => this.exists(context, exten),
      redirected: (c) => this.#byName.get(c.name)?.redirected(),
      hungUp: (c) => this.#byName.get(c.name)?.hangup(),
    };
  }

  /** A phone that can be dialled as `<tech>/<resource>` (e.g. PJSIP/230). */
  endpoint(name: string, behaviour: EndpointBehaviour): void {
    this.#endpoints.set(name, behaviour);
  }

  endpointBehaviour(name: string): EndpointBehaviour | undefined {
    return this.#endpoints.get(name);
  }

  exists(context: string, exten: string): boolean {
    return findExtension(this.dialplan, context, exten) !== undefined;
  }

  /** Places a call from `callerId` into context/exten; resolves when it is answered or ends. */
  async call(
    context: string,
    exten: string,
    caller: { num: string; name?: string; vars?: Record<string, string> } = { num: '0301234567' },
  ): Promise<CallOutcome> {
    const state: CallState = {
      answeredBy: null,
      ended: null,
      rang: [],
      entered: {},
      wallMs: { entered: {}, rang: [] },
      maxDepth: 1,
      maxForwardsExceeded: false,
      trace: [],
      startedAt: Date.now(),
      done: () => {},
      channels: new Set(),
    };
    const finished = new Promise<void>((r) => (state.done = r));
    const seq = (this.#callerSeq++).toString(16).padStart(8, '0');
    const ch = this.#open(`PJSIP/trunk-${seq}`, context, exten, state, 1, new Map(), caller);
    for (const [k, v] of Object.entries(caller.vars ?? {})) ch.vars.set(k, v);
    void ch.run().then(() => {
      if (!state.ended) state.ended = 'hung-up';
      state.done();
    });
    await finished;
    for (const c of [...state.channels]) c.hangup();
    return {
      answeredBy: state.answeredBy,
      ended: state.ended ?? 'hung-up',
      rang: state.rang,
      entered: state.entered,
      wallMs: state.wallMs,
      maxDepth: state.maxDepth,
      maxForwardsExceeded: state.maxForwardsExceeded,
      trace: state.trace,
    };
  }

  #open(
    name: string,
    context: string,
    exten: string,
    call: CallState,
    depth: number,
    inherited: Map<string, string>,
    caller: { num: string; name?: string },
    linkedid?: string,
  ): ModelChannel {
    const sim = this.ami.addChannel({
      name,
      context,
      exten,
      priority: 1,
      callerIdNum: caller.num,
      callerIdName: caller.name ?? '<unknown>',
      ...(linkedid && { linkedid }),
    });
    for (const [k, v] of inherited) sim.vars.set(k, v);
    const ch = new ModelChannel(this, sim, call, depth);
    this.#byName.set(name, ch);
    call.channels.add(ch);
    call.maxDepth = Math.max(call.maxDepth, depth);
    return ch;
  }

  /** Creates the `;2` half of a Local channel running `exten@context` for `parent`. */
  openLocal(parent: ModelChannel, exten: string, context: string): ModelChannel {
    const seq = (this.#localSeq++).toString(16).padStart(8, '0');
    const inherited = new Map<string, string>();
    for (const [k, v] of parent.sim.vars) {
      if (k.startsWith('__')) inherited.set(k, v);
      else if (k.startsWith('_')) inherited.set(k.slice(1), v);
    }
    // what a child sees: `__X` stays `__X` (read as X), `_X` becomes X one level down
    return this.#open(
      `Local/${exten}@${context}-${seq};2`,
      context,
      exten,
      parent.call,
      parent.depth + 1,
      inherited,
      { num: parent.sim.callerIdNum, name: parent.sim.callerIdName },
      parent.sim.linkedid,
    );
  }

  forget(ch: ModelChannel): void {
    this.#byName.delete(ch.sim.name);
    ch.call.channels.delete(ch);
  }

  nowS(call: CallState): number {
    return Math.round(((Date.now() - call.startedAt) / this.secondMs) * 10) / 10;
  }
}

export class ModelChannel {
  #abort = new AbortController();
  #hungUp = false;
  readonly #stack: { context: string; exten: string; priority: number; args: string[] }[] = [];
  #args: string[] = [];
  answered = false;
  onAnswer: ((by: string) => void) | undefined;

  constructor(
    readonly model: PbxModel,
    readonly sim: SimulatedChannel,
    readonly call: CallState,
    readonly depth: number,
  ) {}

  get vars(): Map<string, string> {
    return this.sim.vars;
  }

  variable(name: string): string {
    const v = this.sim.vars;
    switch (name) {
      case 'EXTEN':
        return this.sim.exten;
      case 'CONTEXT':
        return this.sim.context;
      case 'CHANNEL':
        return this.sim.name;
      case 'UNIQUEID':
        return this.sim.uniqueid;
    }
    const arg = /^ARG(\d+)$/.exec(name);
    if (arg) return this.#args[Number(arg[1]) - 1] ?? '';
    return v.get(name) ?? v.get(`_${name}`) ?? v.get(`__${name}`) ?? this.model.globals.get(name) ?? '';
  }

  setVariable(name: string, value: string): void {
    const bare = name.replace(/^_+/, '');
    for (const k of [bare, `_${bare}`, `__${bare}`]) this.sim.vars.delete(k);
    this.sim.vars.set(name, value);
    this.#emit('VarSet', 'dialplan,all', [
      ['Variable', name],
      ['Value', value],
    ]);
  }

  /** The AMI server already moved the channel's position: stop what it is doing (Wait, Dial). */
  redirected(): void {
    this.#abort.abort();
  }

  hangup(): void {
    if (this.#hungUp) return;
    this.#hungUp = true;
    this.#abort.abort();
    this.model.forget(this);
    if (this.model.ami.channels.delete(this.sim.name))
      this.#emit('Hangup', 'call,all', [
        ['Cause', '16'],
        ['Cause-txt', 'Normal Clearing'],
      ]);
  }

  #emit(event: string, privilege: string, extra: WireHeaders): void {
    this.model.ami.emitEvent([
      ['Event', event],
      ['Privilege', privilege],
      ...channelHeaders(this.sim),
      ...extra,
    ]);
  }

  #trace(text: string): void {
    this.call.trace.push(`${'  '.repeat(this.depth - 1)}${text}`);
  }

  #answer(by: string): void {
    if (this.answered) return;
    this.answered = true;
    this.sim.state = 6;
    this.sim.stateDesc = 'Up';
    this.#emit('Newstate', 'call,all', []);
    if (this.onAnswer) this.onAnswer(by);
    else if (this.depth === 1 && !this.call.ended) {
      this.call.answeredBy = by;
      this.call.ended = 'answered';
      this.call.done();
    }
  }

  /** Runs dialplan steps until the channel hangs up or the dialplan ends. */
  async run(): Promise<void> {
    while (!this.#hungUp && !(this.depth === 1 && this.call.ended)) {
      const ext = findExtension(this.model.dialplan, this.sim.context, this.sim.exten);
      const step = ext?.steps.get(this.sim.priority);
      if (!ext || !step) {
        this.#trace(`[${this.sim.exten}@${this.sim.context}:${this.sim.priority}] (no such step: hang up)`);
        break;
      }
      if (this.call.entered[this.sim.context] === undefined) {
        this.call.entered[this.sim.context] = this.model.nowS(this.call);
        this.call.wallMs.entered[this.sim.context] = performance.now();
      }
      const scope: Scope = { variable: (n) => this.variable(n), call: (fn, a) => this.#function(fn, a) };
      const data = substitute(step.args, scope);
      this.#trace(`[${this.sim.exten}@${this.sim.context}:${this.sim.priority}] ${step.app}(${data})`);
      this.sim.application = step.app;
      this.sim.applicationData = data;
      this.#emit('Newexten', 'dialplan,all', [
        ['Extension', this.sim.exten],
        ['Application', step.app],
        ['AppData', data],
      ]);
      this.sim.priority++;
      if (this.#abort.signal.aborted) this.#abort = new AbortController();
      try {
        await this.#app(step.app, data);
      } catch (err) {
        if (err instanceof Hangup) break;
        if (!(err instanceof Jumped)) throw err;
      }
    }
    this.hangup();
  }

  #goto(spec: string): void {
    const parts = splitArgs(spec).map((p) => p.trim());
    let [context, exten, prio] = [this.sim.context, this.sim.exten, ''];
    if (parts.length === 1) prio = parts[0] as string;
    else if (parts.length === 2) [exten, prio] = parts as [string, string];
    else [context, exten, prio] = parts as [string, string, string];
    if (exten === '') exten = this.sim.exten;
    const ext = findExtension(this.model.dialplan, context, exten);
    const priority = /^\d+$/.test(prio) ? Number(prio) : ext?.labels.get(prio);
    if (priority === undefined) {
      this.#trace(`  goto ${context},${exten},${prio}: no such place`);
      throw new Hangup();
    }
    this.sim.context = context;
    this.sim.exten = exten;
    this.sim.priority = priority;
  }

  #condition(data: string): { yes: boolean; whenTrue: string; whenFalse: string } {
    const q = data.indexOf('?');
    const rest = data.slice(q + 1);
    const colon = topLevelColon(rest);
    return {
      yes: isTrue(data.slice(0, q).trim()),
      whenTrue: colon < 0 ? rest : rest.slice(0, colon),
      whenFalse: colon < 0 ? '' : rest.slice(colon + 1),
    };
  }

  async #app(app: string, data: string): Promise<void> {
    const args = splitArgs(data);
    switch (app.toLowerCase()) {
      case 'noop':
      case 'verbose':
      case 'log':
        return;
      case 'set': {
        const eq = data.indexOf('=');
        this.setVariable(data.slice(0, eq).trim(), data.slice(eq + 1));
        return;
      }
      case 'execif':
        return this.#execIf(data);
      case 'goto':
        this.#goto(data);
        return;
      case 'gotoif': {
        const c = this.#condition(data);
        const target = c.yes ? c.whenTrue : c.whenFalse;
        if (target.trim() !== '') this.#goto(target);
        return;
      }
      case 'gosub':
      case 'gosubif':
        this.#gosub(app, data);
        return;
      case 'return':
        this.#return();
        return;
      case 'ringing':
        this.sim.state = 5;
        this.sim.stateDesc = 'Ringing';
        this.#emit('Newstate', 'call,all', []);
        return;
      case 'answer':
        this.#answer('Answer()');
        return;
      case 'wait':
        await this.#sleep(Number(args[0] || 0));
        return;
      case 'userevent':
        this.#userEvent(args);
        return;
      case 'dial': {
        const status = await this.dial(splitArgs(args[0] ?? '', '&'), Number(args[1] || 0));
        this.setVariable('DIALSTATUS', status);
        return;
      }
      case 'voicemail':
        this.#voicemail(args);
        return;
      case 'congestion':
      case 'busy':
        if (this.depth === 1 && !this.call.ended) this.call.ended = 'congestion';
        throw new Hangup();
      case 'hangup':
        throw new Hangup();
    }
    const custom = this.model.options.apps?.[app];
    if (!custom) throw new Error(`PbxModel: application ${app} is not modelled (${this.sim.name})`);
    await custom(this.#appChannel(), args);
  }

  /** ExecIf(cond?App(args):App(args)): runs the application the condition picks, if any. */
  #execIf(data: string): Promise<void> | undefined {
    const c = this.#condition(data);
    const inner = c.yes ? c.whenTrue : c.whenFalse;
    if (inner.trim() === '') return;
    const open = inner.indexOf('(');
    return this.#app(inner.slice(0, open), inner.slice(open + 1, inner.lastIndexOf(')')));
  }

  /** Gosub(place(args)) and GosubIf(cond?place(args):place(args)): push the return point, then go. */
  #gosub(app: string, data: string): void {
    let spec = data;
    if (app.toLowerCase() === 'gosubif') {
      const c = this.#condition(data);
      spec = c.yes ? c.whenTrue : c.whenFalse;
      if (spec.trim() === '') return;
    }
    const open = spec.indexOf('(');
    const place = open < 0 ? spec : spec.slice(0, open);
    const subArgs = open < 0 ? [] : splitArgs(spec.slice(open + 1, spec.lastIndexOf(')')));
    this.#stack.push({ ...this.#position(), args: this.#args });
    this.#args = subArgs;
    this.#goto(place);
  }

  #return(): void {
    const back = this.#stack.pop();
    if (!back) throw new Error(`Return without Gosub on ${this.sim.name}`);
    this.sim.context = back.context;
    this.sim.exten = back.exten;
    this.sim.priority = back.priority;
    this.#args = back.args;
  }

  /** UserEvent(name,Header: value,...) */
  #userEvent(args: readonly string[]): void {
    const headers: WireHeaders = args.slice(1).map((a) => {
      const colon = a.indexOf(':');
      return colon < 0 ? [a.trim(), ''] : [a.slice(0, colon).trim(), a.slice(colon + 1).trim()];
    });
    this.#emit('UserEvent', 'user,all', [['UserEvent', args[0] ?? ''], ...headers]);
  }

  #voicemail(args: readonly string[]): void {
    const box = args[0] ?? '';
    const mailbox = box.includes('@') ? box : `${box}@default`;
    if ((this.model.options.mailboxes ?? []).includes(mailbox)) {
      this.#answer(`voicemail:${mailbox}`);
      return;
    }
    // Asterisk answers, finds no mailbox, and the application fails: the caller is dropped
    this.#trace(`  VoiceMail: no mailbox ${mailbox}: answered, then dropped`);
    if (this.depth === 1 && !this.call.ended) this.call.ended = 'answered-then-dropped';
    throw new Hangup();
  }

  #appChannel(): AppChannel {
    return {
      name: this.sim.name,
      exten: this.sim.exten,
      get: (n) => this.variable(n),
      set: (n, v) => this.setVariable(n, v),
      dial: (d, t) => this.dial(d, t),
      note: (t) => this.#trace(`  ${t}`),
    };
  }

  #position() {
    return { context: this.sim.context, exten: this.sim.exten, priority: this.sim.priority };
  }

  #function(fn: string, raw: string): string {
    const args = splitArgs(raw).map((a) => a.trim());
    const db = this.model.ami;
    switch (fn) {
      case 'DB': {
        const [family, ...key] = (args[0] ?? '').split('/');
        return db.dbGet(family ?? '', key.join('/')) ?? '';
      }
      case 'DB_EXISTS': {
        const [family, ...key] = (args[0] ?? '').split('/');
        return db.dbGet(family ?? '', key.join('/')) === undefined ? '0' : '1';
      }
      case 'DIALPLAN_EXISTS':
        return this.model.exists(args[0] ?? '', args[1] ?? 's') ? '1' : '0';
      case 'IF': {
        const c = this.#condition(raw);
        return c.yes ? c.whenTrue : c.whenFalse;
      }
      case 'CALLERID':
        return args[0]?.startsWith('name') ? this.sim.callerIdName : this.sim.callerIdNum;
      case 'CHANNEL':
        return args[0] === 'linkedid' ? this.sim.linkedid : '';
      case 'VM_INFO':
        return (this.model.options.mailboxes ?? []).includes(args[0] ?? '') ? '1' : '0';
      case 'FILTER': {
        const allowed = new RegExp(`[^${(args[0] ?? '').replace(/[\]\\^]/g, '\\$&')}]`, 'g');
        return raw.slice(raw.indexOf(',') + 1).replace(allowed, '');
      }
      case 'LEN':
        return String(raw.length);
    }
    throw new Error(`PbxModel: function ${fn}() is not modelled`);
  }

  async #sleep(seconds: number): Promise<void> {
    if (seconds <= 0) return;
    const signal = this.#abort.signal;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, seconds * this.model.secondMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          reject(this.#hungUp ? new Hangup() : new Jumped());
        },
        { once: true },
      );
    });
  }

  /** Dial(): every destination rings at once; the first to answer wins; DIALSTATUS comes back. */
  async dial(destinations: readonly string[], timeoutS: number): Promise<string> {
    const legs: ModelChannel[] = [];
    const timers: NodeJS.Timeout[] = [];
    let answeredBy: string | null = null;
    let finish: () => void = () => {};
    const settled = new Promise<void>((r) => (finish = r));
    // legs that may still answer; a Local leg whose dialplan ends without an answer is done
    let pending = 0;
    const legEnded = (): void => {
      if (--pending === 0) finish();
    };
    for (const raw of destinations) {
      const d = raw.trim();
      const local = /^Local\/([^@]+)@([^/]+)(\/n)?$/.exec(d);
      if (local) {
        if (this.depth + 1 > MAX_FORWARDS) {
          this.call.maxForwardsExceeded = true;
          this.#trace(`  ${d}: Max forwards exceeded`);
          continue;
        }
        const leg = this.model.openLocal(this, local[1] as string, local[2] as string);
        legs.push(leg);
        leg.onAnswer = (by) => {
          answeredBy ??= by;
          finish();
        };
        pending++;
        void leg.run().then(legEnded);
        continue;
      }
      const behaviour = this.model.endpointBehaviour(d);
      if (!behaviour) {
        this.#trace(`  ${d}: no such endpoint (CHANUNAVAIL)`);
        continue;
      }
      pending++;
      this.call.rang.push({ endpoint: d, atS: this.model.nowS(this.call) });
      this.call.wallMs.rang.push(performance.now());
      this.#trace(`  ${d} is ringing`);
      if (behaviour !== 'never')
        timers.push(
          setTimeout(() => {
            answeredBy ??= d;
            finish();
          }, behaviour.answerAfterS * this.model.secondMs),
        );
    }
    if (pending === 0) return 'CHANUNAVAIL';
    if (timeoutS > 0) timers.push(setTimeout(finish, timeoutS * this.model.secondMs));
    const signal = this.#abort.signal;
    const aborted = new Promise<'aborted'>((r) => {
      if (signal.aborted) r('aborted');
      signal.addEventListener('abort', () => r('aborted'), { once: true });
    });
    const how = await Promise.race([settled.then(() => 'settled' as const), aborted]);
    for (const t of timers) clearTimeout(t);
    for (const leg of legs) if (!leg.answered) leg.hangup();
    if (how === 'aborted') throw this.#hungUp ? new Hangup() : new Jumped();
    if (answeredBy !== null) {
      this.#answer(answeredBy);
      return 'ANSWER';
    }
    return 'NOANSWER';
  }
}

function topLevelColon(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ':' && depth === 0) return i;
  }
  return -1;
}

// Plays a recorded reaction (recorded-scripts.ts) as the live server: allocates this server's Local
// sequence numbers, Uniqueids and bridge UUIDs for the channels and bridges the reaction creates,
// substitutes them (and the ActionID, EventTV and Timestamp) into the recorded bytes, routes each
// message (responses and list items to the asking session, call events to every session whose
// event mask lets them through) and keeps the server's channel model in step.
import { randomUUID } from 'node:crypto';
import type { AmiMessage } from '@sa/ami-protocol';
import type { AmiServerCore } from './ami-server-core.js';
import type { AmiSession } from './ami-session.js';
import { amiTimestamp, eventTv } from './ami-wire.js';
import { LOCAL_SEQ_RE, type RecordedReaction, type RecordedScripts, scriptKey } from './recorded-scripts.js';
import { newChannel, type SimulatedChannel } from './simulated-channel.js';

const UNIQUEID_RE = /\b\d{9,11}\.\d+\b/g;
const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

export interface ScriptAllocators {
  readonly nextLocalSeq: () => string;
  readonly nextUniqueid: () => string;
}

export class ScriptPlayer {
  readonly #server: AmiServerCore;
  readonly #scripts: RecordedScripts;
  readonly #alloc: ScriptAllocators;
  readonly #seqToRuntime = new Map<string, string>();
  readonly #seqToRecorded = new Map<string, string>();
  readonly #uniqueids = new Map<string, string>();
  readonly #uuids = new Map<string, string>();
  /** Recorded ActionID -> the one the client used here (events of an action can come later). */
  readonly #actionIds = new Map<string, string | undefined>();

  constructor(server: AmiServerCore, scripts: RecordedScripts, alloc: ScriptAllocators) {
    this.#server = server;
    this.#scripts = scripts;
    this.#alloc = alloc;
  }

  /** Plays the recorded reaction to `m` if one matches the current state; false otherwise. */
  tryPlay(session: AmiSession, m: AmiMessage, id: string | undefined): boolean {
    const liveSeqs = new Set<string>();
    for (const name of this.#server.channels.keys()) {
      const seq = /-([0-9a-f]{8});[12]$/.exec(name)?.[1];
      if (seq !== undefined) liveSeqs.add(seq);
    }
    const toRecorded = (seq: string): string => {
      const rec = this.#seqToRecorded.get(seq);
      return rec !== undefined && liveSeqs.has(seq) ? rec : `?${seq}`;
    };
    const live = [...this.#server.channels.keys()].map((n) =>
      n.replace(LOCAL_SEQ_RE, (_m, seq: string) => `-${toRecorded(seq)}`),
    );
    const key = scriptKey(m, live, toRecorded, (ext) =>
      this.#server.dbGet('SMARTASSISTANT', `${ext}/target`),
    );
    const reaction = this.#scripts.lookup(key);
    if (reaction === undefined) return false;
    if (reaction.actionId !== undefined) this.#actionIds.set(reaction.actionId, id);
    this.#allocate(reaction);
    for (const recorded of reaction.messages) this.#deliver(session, this.#substitute(recorded));
    return true;
  }

  #allocate(reaction: RecordedReaction): void {
    for (const seq of reaction.newSeqs) {
      const runtime = this.#alloc.nextLocalSeq();
      this.#seqToRuntime.set(seq, runtime);
      this.#seqToRecorded.set(runtime, seq);
    }
    for (const uid of reaction.newUniqueids) this.#uniqueids.set(uid, this.#alloc.nextUniqueid());
  }

  #substitute(recorded: string): string {
    const now = this.#server.options.now();
    return recorded
      .replace(LOCAL_SEQ_RE, (all, seq: string) => {
        const runtime = this.#seqToRuntime.get(seq);
        return runtime === undefined ? all : `-${runtime}`;
      })
      .replace(UNIQUEID_RE, (uid) => {
        if (!this.#scripts.recordedUniqueids.has(uid)) return uid;
        let runtime = this.#uniqueids.get(uid);
        if (runtime === undefined) {
          runtime = this.#alloc.nextUniqueid();
          this.#uniqueids.set(uid, runtime);
        }
        return runtime;
      })
      .replace(UUID_RE, (uuid) => {
        let runtime = this.#uuids.get(uuid);
        if (runtime === undefined) {
          runtime = randomUUID();
          this.#uuids.set(uuid, runtime);
        }
        return runtime;
      })
      .replace(/^ActionID: ([^\r\n]*)\r\n/gm, (line, recordedId: string) => {
        if (!this.#actionIds.has(recordedId)) return line;
        const runtime = this.#actionIds.get(recordedId);
        return runtime ? `ActionID: ${runtime}\r\n` : '';
      })
      .replace(/^EventTV: [^\r\n]*/gm, `EventTV: ${eventTv(now)}`)
      .replace(/^Timestamp: [^\r\n]*/gm, `Timestamp: ${amiTimestamp(now)}`);
  }

  #deliver(session: AmiSession, text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const headers = parseHeaders(text);
    this.#track(headers);
    const privilege = headers.get('privilege');
    const broadcast = !text.startsWith('Response:') && privilege !== undefined && /(^|,)all$/.test(privilege);
    if (!broadcast) {
      session.send(bytes);
      return;
    }
    for (const s of this.#server.sessions) if (s.wantsEvent(privilege)) s.send(bytes);
  }

  /** Keeps the channel model (used by the generic handlers and CoreShowChannels) in step. */
  #track(h: Map<string, string>): void {
    const event = h.get('event');
    const name = h.get('channel');
    if (event === undefined || name === undefined) return;
    const channels = this.#server.channels;
    if (event === 'Hangup') {
      channels.delete(name);
      return;
    }
    let c = channels.get(name);
    if (event === 'Newchannel' && c === undefined) {
      c = newChannel({
        name,
        state: 0,
        stateDesc: 'Down',
        uniqueid: h.get('uniqueid') ?? '',
        linkedid: h.get('linkedid') ?? '',
        createdAt: this.#server.options.now(),
      });
      channels.set(name, c);
    }
    if (c === undefined || !h.has('channelstate')) return;
    update(c, h);
    if (event === 'VarSet') c.vars.set(h.get('variable') ?? '', h.get('value') ?? '');
    if (event === 'Newexten') {
      c.application = h.get('application') ?? c.application;
      c.applicationData = h.get('appdata') ?? c.applicationData;
    }
  }
}

function update(c: SimulatedChannel, h: Map<string, string>): void {
  c.state = Number(h.get('channelstate') ?? c.state);
  c.stateDesc = h.get('channelstatedesc') ?? c.stateDesc;
  c.callerIdNum = h.get('calleridnum') ?? c.callerIdNum;
  c.callerIdName = h.get('calleridname') ?? c.callerIdName;
  c.connectedLineNum = h.get('connectedlinenum') ?? c.connectedLineNum;
  c.connectedLineName = h.get('connectedlinename') ?? c.connectedLineName;
  c.context = h.get('context') ?? c.context;
  c.exten = h.get('exten') ?? c.exten;
  c.priority = Number(h.get('priority') ?? c.priority);
  c.uniqueid = h.get('uniqueid') ?? c.uniqueid;
  c.linkedid = h.get('linkedid') ?? c.linkedid;
}

/** First value of each header, names lower-cased. */
function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 2));
  }
  return out;
}

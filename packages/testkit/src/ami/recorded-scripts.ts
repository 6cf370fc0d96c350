// Call scripts derived from the Asterisk 22 recordings in packages/ami-protocol/fixtures. Asterisk's call event
// sequences (Newchannel pairs, Newexten per dialplan step, DialBegin/End, LocalBridge, bridges,
// LocalOptimization, SoftHangupRequest/Hangup ...) depend on its dialplan, threads and stasis ordering;
// rather than re-implementing that engine, the test server plays the recorded reaction to an action
// when the action and the call state match a recorded situation:
//   key = the action's headers (ActionID left out; channel names written with the recorded Local
//         sequence number of the live channel they name) + the live channels + the AstDB value the
//         dialplan reads (`SMARTASSISTANT/<ext>/target` for `Local/<ext>@smartassistant-db`).
// The reaction is a template: the runtime Local sequence numbers, Uniqueids, bridge UUIDs, ActionIDs
// and clocks are substituted when it is played (see script-player.ts). Anything else falls back to the
// generic action handlers.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AmiFrameParser, type AmiMessage } from '@sa/ami-protocol';

/** Actions the generic handlers answer exactly; they never use a recorded script. */
export const GENERIC_ACTIONS = new Set([
  'login',
  'challenge',
  'logoff',
  'ping',
  'events',
  'dbput',
  'dbget',
  'dbgettree',
  'dbdel',
  'dbdeltree',
  'userevent',
]);

export interface RecordedReaction {
  readonly fixture: string;
  /** The ActionID the recorded action carried (replaced by the runtime one). */
  readonly actionId: string | undefined;
  /** Raw messages Asterisk sent after the action and before the client's next action. */
  readonly messages: readonly string[];
  /**
   * Channel sequence numbers first seen in this reaction, in order: Asterisk numbers every new
   * channel from one counter (Local pairs and also e.g. the ConfBridge announcer `CBAnn/101-00000002`),
   * so the player allocates the same number of fresh ones.
   */
  readonly newSeqs: readonly string[];
  /** Uniqueids first seen in this reaction, in order. */
  readonly newUniqueids: readonly string[];
}

/** Local channel sequence number inside a channel name: `Local/230@from-internal-0000000a;1`. */
export const LOCAL_SEQ_RE = /-([0-9a-f]{8})(?=;[12])/g;

export function scriptKey(
  action: AmiMessage,
  liveRecordedNames: readonly string[],
  seqToRecorded: (seq: string) => string,
  dbTarget: (ext: string) => string | undefined,
): string {
  const lines: string[] = [];
  const dbReads: string[] = [];
  for (let i = 0; i < action.names.length; i++) {
    const name = (action.names[i] as string).toLowerCase();
    if (name === 'actionid') continue;
    const value = (action.values[i] as string).replace(
      LOCAL_SEQ_RE,
      (_m, seq: string) => `-${seqToRecorded(seq)}`,
    );
    lines.push(`${name}: ${value}`);
    const db = /^Local\/([^@]+)@smartassistant-db$/.exec(value);
    if (db) dbReads.push(`${db[1]}=${dbTarget(db[1] as string) ?? ''}`);
  }
  return `${lines.join('\n')}\n--live--\n${[...liveRecordedNames].sort().join('\n')}\n--db--\n${dbReads.join('\n')}`;
}

/** Splits a byte run into AMI messages (each keeps its blank-line terminator). */
export function splitMessages(text: string): string[] {
  return text.split(/(?<=\r\n\r\n)/).filter((m) => m.length > 0);
}

function header(message: string, name: string): string | undefined {
  const m = new RegExp(`^${name}: ([^\\r\\n]*)\\r?$`, 'mi').exec(message);
  return m?.[1];
}

interface Exchange {
  readonly client: string;
  server: string;
}

function exchanges(text: string): Exchange[] | undefined {
  const out: Exchange[] = [];
  let pending = '';
  let first = true;
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('S: ')) {
      if (first && !line.startsWith('S: Asterisk Call Manager/')) return undefined;
      first = false;
      const last = out.at(-1);
      if (last) last.server += line.slice(3);
    } else if (line.startsWith('C: ')) {
      const body = line.slice(3);
      pending += body;
      if (body === '\r\n' || body === '\n') {
        out.push({ client: pending, server: '' });
        pending = '';
      }
    } else if (line.startsWith('# TCP connected') && out.length > 0) {
      return undefined; // multi-connection transcripts only hold generic actions (01-login)
    }
  }
  return out;
}

export class RecordedScripts {
  readonly #byKey = new Map<string, RecordedReaction>();
  /** Every Uniqueid/Linkedid value that appears in the recordings (so the player can substitute them). */
  readonly recordedUniqueids = new Set<string>();

  static #shared: RecordedScripts | undefined;

  static shared(): RecordedScripts {
    RecordedScripts.#shared ??= RecordedScripts.fromFixtures();
    return RecordedScripts.#shared;
  }

  static fromFixtures(dir = fixtureDir()): RecordedScripts {
    const scripts = new RecordedScripts();
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.txt')) continue;
      scripts.#learn(file.replace(/\.txt$/, ''), readFileSync(join(dir, file), 'utf8'));
    }
    return scripts;
  }

  get size(): number {
    return this.#byKey.size;
  }

  lookup(key: string): RecordedReaction | undefined {
    return this.#byKey.get(key);
  }

  #learn(fixture: string, text: string): void {
    const list = exchanges(text);
    if (list === undefined) return;
    const live = new Set<string>();
    const db = new Map<string, string>();
    const seenSeqs = new Set<string>();
    const seenUniqueids = new Set<string>();
    for (const { client, server } of list) {
      const parser = new AmiFrameParser({ expectBanner: false });
      const frames = parser.push(Buffer.from(`${client}${client.endsWith('\r\n') ? '' : '\r\n'}`));
      const action = frames.find((f) => f.kind === 'message')?.message;
      const messages = splitMessages(server);
      const name = action?.get('Action')?.toLowerCase();
      for (const [, seq] of client.matchAll(LOCAL_SEQ_RE)) seenSeqs.add(seq as string);
      const newSeqs: string[] = [];
      const newUniqueids: string[] = [];
      for (const m of messages) {
        for (const [, seq] of m.matchAll(LOCAL_SEQ_RE)) {
          if (!seenSeqs.has(seq as string)) newSeqs.push(seq as string);
          seenSeqs.add(seq as string);
        }
        for (const [, , v] of m.matchAll(/^([A-Za-z]*(?:Uniqueid|Linkedid)): ([^\r\n]+)\r$/gim)) {
          this.recordedUniqueids.add(v as string);
          if (!seenUniqueids.has(v as string)) newUniqueids.push(v as string);
          seenUniqueids.add(v as string);
        }
      }
      if (action && name !== undefined) {
        if (!GENERIC_ACTIONS.has(name)) {
          const liveSeqs = new Set([...live].map((n) => /-([0-9a-f]{8});[12]$/.exec(n)?.[1]));
          const key = scriptKey(
            action,
            [...live],
            (seq) => (liveSeqs.has(seq) ? seq : `?${seq}`),
            (ext) => db.get(`/SMARTASSISTANT/${ext}/target`),
          );
          if (!this.#byKey.has(key))
            this.#byKey.set(key, {
              fixture,
              actionId: action.get('ActionID'),
              messages,
              newSeqs,
              newUniqueids,
            });
        } else {
          trackDb(db, name, action);
        }
      }
      for (const m of messages) {
        const event = header(m, 'Event');
        const channel = header(m, 'Channel');
        if (channel === undefined) continue;
        if (event === 'Newchannel') live.add(channel);
        else if (event === 'Hangup') live.delete(channel);
      }
    }
  }
}

function trackDb(db: Map<string, string>, name: string, m: AmiMessage): void {
  const path = `/${m.get('Family') ?? ''}/${m.get('Key') ?? ''}`;
  if (name === 'dbput') db.set(path, m.get('Val') ?? '');
  else if (name === 'dbdel') db.delete(path);
  else if (name === 'dbdeltree') {
    const prefix = m.get('Key') ? path : `/${m.get('Family') ?? ''}`;
    for (const k of [...db.keys()]) if (k === prefix || k.startsWith(`${prefix}/`)) db.delete(k);
  }
}

function fixtureDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@sa/ami-protocol/fixtures/README.md'));
}

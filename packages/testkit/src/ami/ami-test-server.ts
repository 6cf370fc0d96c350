// A scriptable AMI server for tests: a real TCP listener on 127.0.0.1 that answers like the
// Asterisk 22 recordings in packages/ami-protocol/fixtures (byte for byte for login, AstDB, Ping, Events,
// errors and Logoff), keeps an in-memory AstDB (also answering the CLI `database show` and
// `database showkey` through the Command action) and a minimal channel model, can inject faults,
// and has hooks for what FreePBX does to the Follow-Me keys behind router's back (freepbxReload,
// followMePageSave).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AmiMessage } from '@sa/ami-protocol';
import { ActionHandlers } from './action-handlers.js';
import type {
  AmiServerCore,
  AmiTestServerOptions,
  DialplanHooks,
  ReceivedAction,
} from './ami-server-core.js';
import { AmiSession, type SplitMode } from './ami-session.js';
import { frame, response, type WireHeaders } from './ami-wire.js';
import {
  addFreePbxExtension,
  type FollowMeForm,
  type FollowMePbx,
  type FollowMeSqlRow,
  followMePageSave,
  freepbxReload,
} from './freepbx-followme.js';
import { channelHeaders, type SimulatedChannel } from './simulated-channel.js';

export type {
  AmiServerCore,
  AmiTestServerOptions,
  DialplanHooks,
  ReceivedAction,
} from './ami-server-core.js';
export { AmiSession, type SplitMode } from './ami-session.js';

export class AmiTestServer implements AmiServerCore {
  readonly options: Required<Omit<AmiTestServerOptions, 'port'>>;
  readonly db = new Map<string, string>();
  readonly channels = new Map<string, SimulatedChannel>();
  readonly received: ReceivedAction[] = [];
  /** Every answer to a Command action: the command line and the answer's size on the wire. */
  readonly commandAnswers: { readonly command: string; readonly bytes: number }[] = [];
  readonly sessions = new Set<AmiSession>();
  readonly startedAt: number;
  stalled = false;
  /**
   * A dialplan model running the channels (packages/testkit/src/pbx): when set, it decides whether a
   * Redirect target exists and runs the redirected channel from there.
   */
  dialplan: DialplanHooks | undefined;
  /** Bytes received (and ignored) while stalled. */
  stalledBytes = 0;
  refuseLogin = false;
  split: SplitMode;
  #server: Server;
  #port: number;
  #nextSession = 1;
  #handlers: ActionHandlers;
  #waiters = new Set<() => void>();

  private constructor(options: AmiTestServerOptions) {
    this.options = {
      username: options.username ?? 'smartassistant',
      secret: options.secret ?? 'amisecret',
      banner: options.banner ?? 'Asterisk Call Manager/11.0.0',
      localChannelSeq: options.localChannelSeq ?? 0,
      extensionExists:
        options.extensionExists ??
        ((context, exten) => context !== 'nowhere' && /^([0-9*#+]+|s)$/.test(exten)),
      commandOutput:
        options.commandOutput ??
        ((cmd) => [`No such command '${cmd}' (type 'core show help ${cmd}' for other possible commands)`]),
      now: options.now ?? Date.now,
      recordedScripts: options.recordedScripts ?? true,
    };
    this.startedAt = this.options.now();
    this.#port = options.port ?? 0;
    this.#handlers = new ActionHandlers(this);
    this.#server = this.#createServer();
  }

  static async start(options: AmiTestServerOptions = {}): Promise<AmiTestServer> {
    const server = new AmiTestServer(options);
    await server.#listen();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return '127.0.0.1';
  }

  #createServer(): Server {
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    return server;
  }

  async #listen(): Promise<void> {
    this.#server.listen(this.#port, '127.0.0.1');
    await once(this.#server, 'listening');
    const address = this.#server.address();
    if (address && typeof address === 'object') this.#port = address.port;
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    const session = new AmiSession(this.#nextSession++, socket, this);
    this.sessions.add(session);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.#notify();
    });
    socket.on('error', () => {});
    session.send(Buffer.from(`${this.options.banner}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (this.stalled) {
        this.stalledBytes += chunk.length;
        this.#notify();
        return;
      }
      for (const f of session.parser.push(chunk)) {
        if (f.kind !== 'message') continue;
        this.received.push({ session: session.id, message: f.message, at: this.options.now() });
        this.#handlers.handle(session, f.message);
      }
      this.#notify();
    });
    this.#notify();
  }

  // ---- hooks for tests -------------------------------------------------------------------

  /** Creates a channel (e.g. a call waiting in our context) and announces it with Newchannel. */
  addChannel(partial: Partial<SimulatedChannel> & { name: string }): SimulatedChannel {
    return this.#handlers.addChannel(partial);
  }

  dbGet(family: string, key: string): string | undefined {
    return this.db.get(`/${family}/${key}`);
  }

  dbPut(family: string, key: string, value: string): void {
    this.db.set(`/${family}/${key}`, value);
  }

  /** A real FreePBX extension in AstDB (`AMPUSER/<ext>/device`, `cidname`, ... and `DEVICE/<ext>/*`). */
  addFreePbxExtension(ext: string, name?: string): void {
    addFreePbxExtension(this.db, ext, name);
  }

  /**
   * FreePBX 17 `fwconsole reload` for a user with a Follow Me row in SQL: strategy (default the GUI's
   * `ringallv2-prim`), postdest, ringing and the message keys are rewritten from `sql`; grplist,
   * grptime, prering and ddial are kept. (Issabel 2.x Apply Config does not touch AstDB.)
   */
  freepbxReload(ext: string, sql: FollowMeSqlRow = {}): void {
    freepbxReload(this.db, ext, sql);
  }

  /**
   * Saving the user's Follow Me page: the whole `AMPUSER/<ext>/followme` tree is deleted and
   * rewritten from the form (`issabel2`: only changecid, ddial, fixedcid, grpconf, grplist, grptime,
   * prering). Like the real page, writes no AMI event.
   */
  followMePageSave(ext: string, form: FollowMeForm, pbx: FollowMePbx = 'freepbx17'): void {
    followMePageSave(this.db, ext, form, pbx);
  }

  /** Received actions, optionally only those named `action` (case-insensitive). */
  actions(action?: string): AmiMessage[] {
    const lower = action?.toLowerCase();
    return this.received
      .map((r) => r.message)
      .filter((m) => lower === undefined || m.get('Action')?.toLowerCase() === lower);
  }

  /** Sends an event to every logged-in session whose event mask lets it through. */
  emitEvent(headers: WireHeaders | Readonly<Record<string, string>>): void {
    const list: WireHeaders = Array.isArray(headers) ? headers : Object.entries(headers);
    const privilege = list.find(([n]) => n.toLowerCase() === 'privilege')?.[1];
    // framed once, and only when a session wants it (most dialplan events go to no one)
    let bytes: Buffer | undefined;
    for (const s of this.sessions) {
      if (!s.wantsEvent(privilege)) continue;
      bytes ??= frame(list);
      s.send(bytes);
    }
  }

  /**
   * What our dialplan's `UserEvent(SmartAssistantCall,Extension: <ext>)` sends for a channel in our
   * context: the channel's snapshot headers, then the event name and our header (deploy/asterisk).
   */
  /**
   * Our dialplan's UserEvent for a call: with `dialledTarget` as the AstDB-first dialplan sends it
   * (the target it already dials), without as the waiting dialplan of earlier releases.
   */
  announceCall(
    channel: SimulatedChannel,
    extension: string,
    userEvent = 'SmartAssistantCall',
    dialledTarget?: string,
  ): void {
    this.emitEvent([
      ['Event', 'UserEvent'],
      ['Privilege', 'user,all'],
      ...channelHeaders(channel),
      ['UserEvent', userEvent],
      ['Extension', extension],
      ...(dialledTarget === undefined ? [] : ([['Target', dialledTarget]] as const)),
    ]);
  }

  /** Sends raw bytes (e.g. garbage) to every connected session. */
  sendRaw(bytes: Buffer | string): void {
    for (const s of this.sessions) if (!s.socket.destroyed) s.socket.write(bytes);
  }

  /** Resolves with the first received action (past or future) that matches. */
  async waitForAction(predicate: (m: AmiMessage) => boolean, timeoutMs = 5000): Promise<AmiMessage> {
    return this.waitFor(() => this.received.find((r) => predicate(r.message))?.message, timeoutMs, 'action');
  }

  async waitForSessions(
    count: number,
    opts: { authenticated?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    await this.waitFor(
      () => {
        const n = [...this.sessions].filter((s) => !opts.authenticated || s.authenticated).length;
        return n >= count ? true : undefined;
      },
      opts.timeoutMs ?? 5000,
      `${count} sessions`,
    );
  }

  async waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const first = probe();
    if (first !== undefined) return first;
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const v = probe();
        if (v === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`AmiTestServer: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Cuts outgoing bytes as configured by `split`. */
  splitOutgoing(bytes: Buffer): Buffer[] {
    const split = this.split;
    if (split === undefined) return [bytes];
    const cuts =
      'at' in split
        ? split.at.filter((n) => n > 0 && n < bytes.length)
        : Array.from(
            { length: split.random },
            () => 1 + Math.floor(Math.random() * Math.max(1, bytes.length - 1)),
          );
    const sorted = [...new Set(cuts)].sort((a, b) => a - b);
    const out: Buffer[] = [];
    let from = 0;
    for (const c of sorted) {
      out.push(bytes.subarray(from, c));
      from = c;
    }
    out.push(bytes.subarray(from));
    return out;
  }

  // ---- faults ------------------------------------------------------------------------------

  /** Destroys every client connection at once (like a crash or a cut cable). */
  dropConnections(): void {
    for (const s of this.sessions) s.socket.destroy();
  }

  /** Stops answering (and sending anything) until `resume()`; connections stay open. */
  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
  }

  /** Stops listening and drops everyone, then listens again on the same port after `downMs`. */
  async restart(downMs = 0): Promise<void> {
    await this.#closeListener();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    this.#server = this.#createServer();
    await this.#listen();
  }

  async #closeListener(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  async stop(): Promise<void> {
    await this.#closeListener();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  md5Key(challenge: string): string {
    return createHash('md5')
      .update(challenge + this.options.secret)
      .digest('hex');
  }

  sendResponse(session: AmiSession, bytes: Buffer): void {
    session.send(bytes);
  }

  errorResponse(session: AmiSession, actionId: string | undefined, message: string): void {
    session.send(response('Error', actionId, [['Message', message]]));
  }
}

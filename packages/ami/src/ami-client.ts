// One long-lived AMI connection: banner, login (plain or MD5), event mask, ActionID correlation with
// per-action timeouts, list actions collected into one result, keepalive Ping once logged in, and
// reconnect with capped exponential backoff + jitter. Listeners live on this object and survive
// reconnects; after every successful login it emits 'connected' so the application can resync.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  type AmiActionFields,
  AmiError,
  AmiFrameParser,
  type AmiFrameParserOptions,
  type AmiMessage,
  serializeAction,
} from '@sa/ami-protocol';
import { Backoff, type BackoffPolicy } from '@sa/platform/backoff';

export type AmiClientState =
  | 'connecting'
  | 'awaiting-banner'
  | 'logging-in'
  | 'ready'
  | 'reconnecting'
  | 'closed';

export interface AmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly secret: string;
  readonly authType?: 'plain' | 'md5';
  /** Login `Events:` value: 'off', 'on' or a class list like 'call,user'. */
  readonly events?: string;
  readonly actionTimeoutMs?: number;
  /** Bound for TCP connect + banner + login. */
  readonly connectTimeoutMs?: number;
  /** Ping interval once logged in (0 disables). A Ping without answer within actionTimeoutMs drops the link. */
  readonly keepaliveMs?: number;
  /** Wait before reconnect attempts (default 250 ms doubling to 10 s, equal jitter). */
  readonly reconnect?: Partial<BackoffPolicy>;
  /** [0, 1), for the reconnect jitter */
  readonly random?: () => number;
  readonly parser?: Omit<AmiFrameParserOptions, 'expectBanner'>;
}

/** 250 ms doubling to 10 s; equal jitter: at least half the ceiling, so a restarted Asterisk is not hammered. */
const DEFAULT_RECONNECT: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 10_000, jitter: 0.5 };

export interface AmiActionResult {
  readonly response: AmiMessage;
  /** Events of a list action (EventList: start ... Complete), without the closing event. */
  readonly events: readonly AmiMessage[];
  readonly complete: AmiMessage | undefined;
}

export interface AmiActionOptions {
  readonly timeoutMs?: number;
  /** Resolve with a `Response: Error` instead of rejecting with AMI_ACTION_FAILED. */
  readonly acceptError?: boolean;
}

export interface AmiClientEvents {
  state: [state: AmiClientState, previous: AmiClientState];
  connected: [info: { banner: string; session: number }];
  disconnected: [info: { reason: string; session: number }];
  event: [event: AmiMessage];
  loginFailed: [error: AmiError];
  protocolError: [error: AmiError];
}

interface Pending {
  readonly action: string;
  readonly resolve: (r: AmiActionResult) => void;
  readonly reject: (e: AmiError) => void;
  readonly timer: NodeJS.Timeout;
  readonly acceptError: boolean;
  response: AmiMessage | undefined;
  readonly events: AmiMessage[];
}

export class AmiClient extends EventEmitter<AmiClientEvents> {
  readonly #o: Required<Omit<AmiClientOptions, 'reconnect' | 'parser'>>;
  readonly #parser: AmiFrameParser;
  #state: AmiClientState = 'closed';
  #started = false;
  #socket: Socket | undefined;
  #pending = new Map<string, Pending>();
  #seq = 0;
  #session = 0;
  readonly #reconnect: Backoff;
  #banner = '';
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #lastDisconnectReason = '';

  constructor(options: AmiClientOptions) {
    super();
    this.#o = {
      authType: 'plain',
      events: 'on',
      actionTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      keepaliveMs: 15_000,
      random: Math.random,
      ...options,
    };
    this.#reconnect = new Backoff({ ...DEFAULT_RECONNECT, ...options.reconnect }, this.#o.random);
    this.#parser = new AmiFrameParser({ ...options.parser, expectBanner: true });
  }

  get state(): AmiClientState {
    return this.#state;
  }

  /** Increments on every successful login. */
  get session(): number {
    return this.#session;
  }

  get banner(): string {
    return this.#banner;
  }

  /** Starts connecting in the background; reconnects forever until close(). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Resolves once the client is 'ready' (or rejects after timeoutMs). */
  async waitReady(timeoutMs = this.#o.connectTimeoutMs): Promise<void> {
    if (this.#state === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const onState = (s: AmiClientState): void => {
        if (s === 'ready' || s === 'closed') {
          cleanup();
          if (s === 'ready') resolve();
          else reject(new AmiError('AMI_CLOSED'));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new AmiError('AMI_NOT_CONNECTED', `AMI not ready within ${timeoutMs} ms (${this.#state})`, {
            state: this.#state,
          }),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('state', onState);
      };
      this.on('state', onState);
    });
  }

  /** Sends an action once logged in. Rejects at once with AMI_NOT_CONNECTED while not 'ready'. */
  action(
    name: string,
    fields: AmiActionFields = {},
    options: AmiActionOptions = {},
  ): Promise<AmiActionResult> {
    if (this.#state !== 'ready') {
      return Promise.reject(
        new AmiError('AMI_NOT_CONNECTED', `AMI is ${this.#state}; ${name} not sent`, {
          action: name,
          state: this.#state,
        }),
      );
    }
    return this.#send(name, fields, options);
  }

  #send(name: string, fields: AmiActionFields, options: AmiActionOptions): Promise<AmiActionResult> {
    const socket = this.#socket;
    if (socket === undefined)
      return Promise.reject(new AmiError('AMI_NOT_CONNECTED', undefined, { action: name }));
    const actionId = `sa-${this.#session}-${++this.#seq}`;
    let bytes: Buffer;
    try {
      bytes = serializeAction(name, fields, actionId);
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = options.timeoutMs ?? this.#o.actionTimeoutMs;
    return new Promise<AmiActionResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(actionId);
        reject(
          new AmiError('AMI_ACTION_TIMEOUT', `${name} got no response within ${timeoutMs} ms`, {
            action: name,
            actionId,
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.#pending.set(actionId, {
        action: name,
        resolve,
        reject,
        timer,
        acceptError: options.acceptError ?? false,
        response: undefined,
        events: [],
      });
      socket.write(bytes);
    });
  }

  /** Stops for good: cancels a pending reconnect wait, fails pending actions, logs off. */
  async close(): Promise<void> {
    if (this.#state === 'closed' && !this.#started) return;
    this.#started = false;
    clearTimeout(this.#reconnectTimer);
    this.#stopTimers();
    this.#failPending('AMI_CLOSED', 'client closed');
    const socket = this.#socket;
    this.#socket = undefined;
    const wasReady = this.#state === 'ready';
    this.#setState('closed');
    if (wasReady) this.emit('disconnected', { reason: 'closed', session: this.#session });
    if (socket && !socket.destroyed) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      if (wasReady) socket.end(serializeAction('Logoff'));
      else socket.destroy();
      const t = setTimeout(() => socket.destroy(), 500);
      await closed;
      clearTimeout(t);
    }
  }

  // ---- connection lifecycle ----------------------------------------------------------------

  #connect(): void {
    if (!this.#started) return;
    this.#setState('connecting');
    this.#parser.reset(true);
    const socket = connect({ host: this.#o.host, port: this.#o.port, noDelay: true });
    this.#socket = socket;
    this.#connectTimer = setTimeout(
      () => socket.destroy(new Error('connect/login timeout')),
      this.#o.connectTimeoutMs,
    );
    socket.on('connect', () => {
      if (this.#socket === socket) this.#setState('awaiting-banner');
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket === socket) this.#onData(chunk);
    });
    socket.on('error', (err) => {
      this.#lastDisconnectReason = err.message;
    });
    socket.on('close', () => {
      if (this.#socket === socket) this.#onClose();
    });
  }

  #onClose(): void {
    const reason = this.#lastDisconnectReason || 'connection closed';
    this.#lastDisconnectReason = '';
    const wasReady = this.#state === 'ready';
    this.#socket = undefined;
    this.#stopTimers();
    this.#failPending('AMI_DISCONNECTED', reason);
    if (wasReady) this.emit('disconnected', { reason, session: this.#session });
    if (!this.#started) return;
    this.#setState('reconnecting');
    const delay = this.#reconnect.next();
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #drop(reason: string): void {
    this.#lastDisconnectReason = reason;
    this.#socket?.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const f of this.#parser.push(chunk)) {
      if (f.kind === 'banner') this.#onBanner(f.text);
      else if (f.kind === 'error') this.emit('protocolError', f.error);
      else this.#onMessage(f.message);
    }
  }

  #onBanner(text: string): void {
    if (!text.startsWith('Asterisk Call Manager/')) {
      this.emit(
        'protocolError',
        new AmiError('AMI_BANNER_INVALID', undefined, { banner: text.slice(0, 80) }),
      );
      this.#drop('invalid banner');
      return;
    }
    this.#banner = text;
    this.#setState('logging-in');
    void this.#login();
  }

  async #login(): Promise<void> {
    const socket = this.#socket;
    try {
      const fields: [string, string][] = [['Username', this.#o.username]];
      if (this.#o.authType === 'md5') {
        const ch = await this.#send('Challenge', { AuthType: 'MD5' }, {});
        const challenge = ch.response.get('Challenge') ?? '';
        const key = createHash('md5')
          .update(challenge + this.#o.secret)
          .digest('hex');
        fields.push(['AuthType', 'MD5'], ['Key', key]);
      } else {
        fields.push(['Secret', this.#o.secret]);
      }
      fields.push(['Events', this.#o.events]);
      await this.#send('Login', fields, {});
    } catch (err) {
      if (this.#socket !== socket) return;
      const error =
        err instanceof AmiError && err.code === 'AMI_ACTION_FAILED'
          ? new AmiError('AMI_LOGIN_FAILED', `AMI login as ${this.#o.username} failed: ${err.message}`, {
              username: this.#o.username,
            })
          : (err as AmiError);
      if (error.code === 'AMI_LOGIN_FAILED') this.emit('loginFailed', error);
      this.#drop(error.message);
      return;
    }
    if (this.#socket !== socket) return;
    clearTimeout(this.#connectTimer);
    this.#reconnect.reset();
    this.#session++;
    this.#setState('ready');
    this.#startKeepalive();
    this.emit('connected', { banner: this.#banner, session: this.#session });
  }

  #startKeepalive(): void {
    if (this.#o.keepaliveMs <= 0) return;
    this.#keepaliveTimer = setInterval(() => {
      if (this.#state !== 'ready') return;
      this.#send('Ping', {}, {}).catch((err: AmiError) => {
        if (err.code === 'AMI_ACTION_TIMEOUT') this.#drop('keepalive Ping timed out');
      });
    }, this.#o.keepaliveMs);
    this.#keepaliveTimer.unref();
  }

  #stopTimers(): void {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#keepaliveTimer);
  }

  // ---- correlation ------------------------------------------------------------------------

  #onMessage(m: AmiMessage): void {
    const id = m.get('ActionID');
    const pending = id === undefined ? undefined : this.#pending.get(id);
    const event = m.get('Event');
    if (event !== undefined) {
      if (pending?.response !== undefined && isListEvent(pending.response)) {
        if (m.get('EventList')?.toLowerCase() === 'complete') this.#settle(id as string, pending, m);
        else pending.events.push(m);
        return;
      }
      this.emit('event', m);
      return;
    }
    if (pending === undefined || m.get('Response') === undefined) return;
    const kind = m.get('Response')?.toLowerCase();
    if ((kind === 'error' || kind === 'failure') && !pending.acceptError) {
      this.#pending.delete(id as string);
      clearTimeout(pending.timer);
      pending.reject(
        new AmiError('AMI_ACTION_FAILED', m.get('Message') ?? `${pending.action} failed`, {
          action: pending.action,
          response: m.get('Response'),
          amiMessage: m.get('Message'),
        }),
      );
      return;
    }
    pending.response = m;
    if (!isListEvent(m)) this.#settle(id as string, pending, undefined);
  }

  #settle(id: string, p: Pending, complete: AmiMessage | undefined): void {
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.resolve({ response: p.response as AmiMessage, events: p.events, complete });
  }

  #failPending(code: 'AMI_DISCONNECTED' | 'AMI_CLOSED', reason: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new AmiError(code, `${p.action}: ${reason}`, { action: p.action }));
    }
  }

  #setState(next: AmiClientState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.emit('state', next, prev);
  }
}

function isListEvent(response: AmiMessage): boolean {
  return response.get('EventList')?.toLowerCase() === 'start';
}

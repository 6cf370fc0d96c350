// One AMI connection of the test server: its socket, parser, login state and event filter. It
// writes through the server's transport (which may stall or split what it sends).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { AmiFrameParser } from '@sa/ami-protocol';

export type SplitMode = { readonly at: readonly number[] } | { readonly random: number } | undefined;

/** What a session needs of its server to write: whether it is stalled and how it splits frames. */
export interface SessionTransport {
  readonly stalled: boolean;
  readonly split: SplitMode;
  splitOutgoing(bytes: Buffer): Buffer[];
}

export class AmiSession {
  readonly id: number;
  readonly socket: Socket;
  readonly parser = new AmiFrameParser({ expectBanner: false });
  readonly sessionId = `0x${randomBytes(6).toString('hex')}`;
  authenticated = false;
  /** 'on', 'off' or the set of event classes asked for (`call,user`). */
  events: 'on' | 'off' | ReadonlySet<string> = 'on';
  challenge: string | undefined;
  #writes: Promise<void> = Promise.resolve();
  readonly #server: SessionTransport;

  constructor(id: number, socket: Socket, server: SessionTransport) {
    this.id = id;
    this.socket = socket;
    this.#server = server;
  }

  send(bytes: Buffer): void {
    if (this.#server.stalled || this.socket.destroyed) return;
    const pieces = this.#server.splitOutgoing(bytes);
    if (pieces.length === 1 && this.#server.split === undefined) {
      this.#writes = this.#writes.then(() => {
        if (!this.socket.destroyed) this.socket.write(bytes);
      });
      return;
    }
    this.#writes = this.#writes.then(async () => {
      for (const piece of pieces) {
        if (this.socket.destroyed) return;
        await new Promise<void>((resolve) => this.socket.write(piece, () => resolve()));
        await tick();
      }
    });
  }

  /** Sends everything queued, then closes the socket (what Asterisk does after Logoff or a failed login). */
  end(): void {
    this.#writes = this.#writes.then(() => {
      this.socket.end();
    });
  }

  wantsEvent(privilege: string | undefined): boolean {
    if (!this.authenticated || this.events === 'off') return false;
    if (this.events === 'on' || privilege === undefined) return true;
    const classes = privilege.split(',');
    for (const c of classes) if (c !== 'all' && this.events.has(c)) return true;
    return false;
  }
}

// Helpers for the AMI test server's own tests: recorded transcripts and a raw TCP probe.
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { AmiFrameParser, type AmiMessage } from '@sa/ami-protocol';

const require = createRequire(import.meta.url);

export function fixturePath(file: string): string {
  return require.resolve(`@sa/ami-protocol/fixtures/${file}`);
}

export { type RecordedConnection, readConnections } from '@sa/ami-protocol/transcripts';

/** Splits a byte stream into its messages, each kept as raw text (the banner is its own item). */
export function rawMessages(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const nl = text.indexOf('\r\n');
  const banner = text.slice(0, nl + 2);
  const rest = text.slice(nl + 2);
  const out = rest.split(/(?<=\r\n\r\n)/).filter((m) => m.length > 0);
  return [banner, ...out];
}

/** Splits a client byte stream into one Buffer per action (each ends with its blank line). */
export function splitActions(client: Buffer): Buffer[] {
  return client
    .toString('utf8')
    .split(/(?<=\r?\n\r?\n)/)
    .filter((a) => a.trim().length > 0)
    .map((a) => Buffer.from(a));
}

/** A raw TCP client that records everything the server sends. */
export class RawProbe {
  readonly socket: Socket;
  readonly chunks: Buffer[] = [];
  readonly closed: Promise<void>;
  readonly #parser = new AmiFrameParser({ expectBanner: true });
  readonly messages: AmiMessage[] = [];
  #listeners = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      for (const f of this.#parser.push(c)) if (f.kind === 'message') this.messages.push(f.message);
      for (const l of [...this.#listeners]) l();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async open(port: number): Promise<RawProbe> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawProbe(socket);
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  async until(
    predicate: (messages: AmiMessage[], bytes: Buffer) => boolean,
    timeoutMs = 3000,
  ): Promise<void> {
    if (predicate(this.messages, this.bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.messages, this.bytes)) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`probe timed out; got ${JSON.stringify(this.bytes.toString())}`));
      }, timeoutMs);
      this.#listeners.add(check);
    });
  }
}

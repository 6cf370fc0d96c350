// Streaming AMI frame parser: bytes in, frames out, keeps the partial rest. Pure: no sockets.
// Memory is bounded: a line longer than maxLineBytes or a message larger than maxMessageBytes
// yields a typed error frame and the parser skips (without buffering) to the next blank line.
import { AmiMessage } from './ami-message.js';
import { AmiError } from './errors.js';

export type AmiFrame =
  | { readonly kind: 'banner'; readonly text: string }
  | { readonly kind: 'message'; readonly message: AmiMessage }
  | { readonly kind: 'error'; readonly error: AmiError };

export interface AmiFrameParserOptions {
  /** The stream starts with a one-line greeting (`Asterisk Call Manager/x.y.z`). Client side: true. */
  readonly expectBanner?: boolean;
  readonly maxLineBytes?: number;
  readonly maxMessageBytes?: number;
}

export const DEFAULT_PARSER_LIMITS = { maxLineBytes: 16 * 1024, maxMessageBytes: 1024 * 1024 } as const;

const LF = 10;
const CR = 13;
const END_COMMAND = '--END COMMAND--';
const FOLLOWS_HEADERS = new Set(['response', 'privilege', 'actionid']);
const EMPTY = Buffer.alloc(0);

export class AmiFrameParser {
  readonly #maxLine: number;
  readonly #maxMessage: number;
  #bannerPending: boolean;
  #buf: Buffer = EMPTY;
  /** Offset in #buf where the next unscanned line starts (#buf always starts at a message start). */
  #scan = 0;
  #follows = false;
  #sawEndCommand = false;
  #skipping = false;
  #skipLineHasContent = false;

  constructor(options: AmiFrameParserOptions = {}) {
    this.#bannerPending = options.expectBanner ?? false;
    this.#maxLine = options.maxLineBytes ?? DEFAULT_PARSER_LIMITS.maxLineBytes;
    this.#maxMessage = options.maxMessageBytes ?? DEFAULT_PARSER_LIMITS.maxMessageBytes;
  }

  /** Bytes held for an incomplete message (never more than maxMessageBytes + one chunk). */
  get bufferedBytes(): number {
    return this.#buf.length;
  }

  /** Forget any partial message (e.g. after a reconnect). */
  reset(expectBanner: boolean): void {
    this.#bannerPending = expectBanner;
    this.#buf = EMPTY;
    this.#scan = 0;
    this.#follows = false;
    this.#sawEndCommand = false;
    this.#skipping = false;
    this.#skipLineHasContent = false;
  }

  push(chunk: Uint8Array): AmiFrame[] {
    const frames: AmiFrame[] = [];
    const incoming = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const buf = this.#buf.length === 0 ? incoming : Buffer.concat([this.#buf, incoming]);
    let start = 0;
    let pos = this.#scan;
    const end = buf.length;

    while (pos < end) {
      if (this.#skipping) {
        const nl = buf.indexOf(LF, pos);
        if (nl === -1) {
          if (hasContent(buf, pos, end)) this.#skipLineHasContent = true;
          pos = end;
          start = end;
          break;
        }
        const empty = !this.#skipLineHasContent && !hasContent(buf, pos, nl);
        this.#skipLineHasContent = false;
        pos = nl + 1;
        start = pos;
        if (empty) this.#skipping = false;
        continue;
      }

      const nl = buf.indexOf(LF, pos);
      if (nl === -1) {
        if (end - pos > this.#maxLine) {
          frames.push(this.#tooLong('AMI_PARSE_LINE_TOO_LONG', end - pos));
          this.#skipLineHasContent = true;
          pos = end;
          start = end;
        } else if (end - start > this.#maxMessage) {
          frames.push(this.#tooLong('AMI_PARSE_MESSAGE_TOO_LARGE', end - start));
          this.#skipLineHasContent = hasContent(buf, pos, end);
          pos = end;
          start = end;
        }
        break;
      }
      const lineEnd = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
      if (lineEnd - pos > this.#maxLine) {
        frames.push(this.#tooLong('AMI_PARSE_LINE_TOO_LONG', lineEnd - pos));
        pos = nl + 1;
        start = pos;
        continue;
      }
      if (nl + 1 - start > this.#maxMessage) {
        frames.push(this.#tooLong('AMI_PARSE_MESSAGE_TOO_LARGE', nl + 1 - start));
        pos = nl + 1;
        start = pos;
        continue;
      }

      if (this.#bannerPending) {
        this.#bannerPending = false;
        frames.push({ kind: 'banner', text: buf.toString('utf8', pos, lineEnd) });
        pos = nl + 1;
        start = pos;
        continue;
      }

      if (lineEnd === pos) {
        // Blank line: ends a message, or is a stray separator, or is part of command output.
        if (pos === start) {
          pos = nl + 1;
          start = pos;
        } else if (this.#follows && !this.#sawEndCommand) {
          pos = nl + 1;
        } else {
          this.#emit(buf.toString('utf8', start, pos), frames);
          pos = nl + 1;
          start = pos;
          this.#follows = false;
          this.#sawEndCommand = false;
        }
        continue;
      }
      if (pos === start) {
        this.#follows =
          lineEnd - pos === 17 && buf.toString('latin1', pos, lineEnd).toLowerCase() === 'response: follows';
      } else if (this.#follows && !this.#sawEndCommand) {
        const at = buf.indexOf(END_COMMAND, pos, 'latin1');
        if (at !== -1 && at < nl) this.#sawEndCommand = true;
      }
      pos = nl + 1;
    }

    this.#buf = start >= end ? EMPTY : buf.subarray(start);
    this.#scan = pos - start;
    return frames;
  }

  #tooLong(code: 'AMI_PARSE_LINE_TOO_LONG' | 'AMI_PARSE_MESSAGE_TOO_LARGE', bytes: number): AmiFrame {
    this.#skipping = true;
    this.#skipLineHasContent = false;
    this.#follows = false;
    this.#sawEndCommand = false;
    const limit = code === 'AMI_PARSE_LINE_TOO_LONG' ? this.#maxLine : this.#maxMessage;
    return { kind: 'error', error: new AmiError(code, undefined, { bytes, limit }) };
  }

  #emit(text: string, frames: AmiFrame[]): void {
    const names: string[] = [];
    const values: string[] = [];
    let output: string[] | undefined;
    let malformed = 0;
    const follows = this.#follows;
    let inOutput = false;
    let i = 0;
    const n = text.length;
    while (i < n) {
      let nl = text.indexOf('\n', i);
      if (nl === -1) nl = n;
      const lineEnd = nl > i && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (follows && inOutput) {
        let line = text.slice(i, lineEnd);
        const at = line.indexOf(END_COMMAND);
        if (at !== -1) line = line.slice(0, at);
        if (at === -1 || line.length > 0) {
          output ??= [];
          output.push(line);
        }
        i = nl + 1;
        continue;
      }
      const colon = text.indexOf(':', i);
      if (colon === -1 || colon >= lineEnd) {
        if (follows) {
          inOutput = true;
          continue;
        }
        malformed++;
        i = nl + 1;
        continue;
      }
      const name = text.slice(i, colon);
      if (follows && !FOLLOWS_HEADERS.has(name.toLowerCase())) {
        inOutput = true;
        continue;
      }
      let v = colon + 1;
      while (v < lineEnd && text.charCodeAt(v) === 32) v++;
      names.push(name);
      values.push(text.slice(v, lineEnd));
      i = nl + 1;
    }
    if (follows && output === undefined) output = [];
    if (names.length > 0) frames.push({ kind: 'message', message: new AmiMessage(names, values, output) });
    if (malformed > 0) {
      frames.push({
        kind: 'error',
        error: new AmiError('AMI_PARSE_MALFORMED_LINE', undefined, {
          lines: malformed,
          kept: names.length > 0,
        }),
      });
    }
  }
}

function hasContent(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== CR) return true;
  return false;
}

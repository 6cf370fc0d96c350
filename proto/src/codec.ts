// Typed decode/encode around the generated code: protobufjs `decode` throws plain Errors and
// `encode` does not validate, so adapters go through these.

export interface MessageType<T> {
  decode(reader: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  verify(message: Record<string, unknown>): string | null;
  fromObject(object: Record<string, unknown>): T;
  create(properties?: unknown): T;
  readonly name?: string;
}

export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
  readonly code = 'PROTO_DECODE_FAILED';
  constructor(
    readonly messageType: string,
    readonly byteLength: number,
    options?: { cause?: unknown },
  ) {
    super(`could not decode ${messageType} from ${byteLength} bytes`, options);
  }
}

export class ProtoInvalidError extends Error {
  override readonly name = 'ProtoInvalidError';
  readonly code = 'PROTO_INVALID_MESSAGE';
  constructor(
    readonly messageType: string,
    readonly problem: string,
  ) {
    super(`invalid ${messageType}: ${problem}`);
  }
}

/** Only `decode` fixes T, so callers get the decoded class (repeated fields always arrays). */
export interface MessageDecoder<T> {
  decode(reader: Uint8Array): T;
}

export function decodeMessage<T>(type: MessageDecoder<T>, bytes: Uint8Array, typeName: string): T {
  try {
    return type.decode(bytes);
  } catch (cause) {
    throw new ProtoDecodeError(typeName, bytes.byteLength, { cause });
  }
}

/** Verifies then encodes: producers never put a malformed message on the bus. */
export function encodeMessage<T>(type: MessageType<T>, message: T, typeName: string): Uint8Array {
  const problem = type.verify(message as Record<string, unknown>);
  if (problem) throw new ProtoInvalidError(typeName, problem);
  return type.encode(message).finish();
}

// Opaque keyset-pagination cursors: base64url of a JSON array of the last row's sort key.
import { invalid } from '../../errors.js';

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parts) &&
      parts.length === arity &&
      parts.every((p) => typeof p === 'string' || typeof p === 'number')
    ) {
      return parts.map(String);
    }
  } catch {
    // fall through
  }
  throw invalid('cursor', 'is not a cursor returned by this API');
}

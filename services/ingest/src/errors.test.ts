import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { INGEST_ERRORS, IngestError } from './errors.js';

describe('ingest error catalogue', () => {
  it('given every code, when inspected, then it is named INGEST_*, has a message and an HTTP status', () => {
    for (const [code, entry] of Object.entries(INGEST_ERRORS)) {
      assert.match(code, /^INGEST_[A-Z]+_[A-Z_]+$/);
      assert.ok(entry.message.length > 0);
      assert.ok(entry.status >= 400 && entry.status < 600);
      const err = new IngestError(code as keyof typeof INGEST_ERRORS, { x: 1 });
      assert.equal(err.code, code);
      assert.equal(err.name, 'IngestError');
    }
  });

  it('given the source tree, when scanned, then every code used is in the catalogue', () => {
    const sources = [
      'app.ts',
      'adapters/redis/replay-guard.ts',
      'adapters/nats/phone-publisher.ts',
      'adapters/nats/replay-reset-responder.ts',
      'adapters/nats/accounting-clients-watcher.ts',
      'adapters/radius/radius-listener.ts',
    ].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8'));
    for (const src of sources) {
      for (const m of src.matchAll(/'(INGEST_[A-Z_]+)'/g)) assert.ok(m[1]! in INGEST_ERRORS, m[1]);
    }
  });
});

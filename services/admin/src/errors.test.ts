import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from './errors.js';

test('given the error catalogue, then every code is documented in docs/api.md with its status', () => {
  const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  for (const [code, { status }] of Object.entries(ERRORS)) {
    const line = doc.split('\n').find((l) => l.includes(`\`${code}\``));
    assert.ok(line, `${code} is missing from docs/api.md`);
    if (!code.startsWith('ADMIN_PHONE_'))
      assert.ok(line.includes(String(status)), `${code} documented without status ${status}`);
  }
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { amiBridgeErrorCodes } from './errors.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

test('given the ami-bridge sources, when every AMI_BRIDGE_* code is collected, then each is documented', () => {
  const used = new Set<string>();
  for (const f of sources(import.meta.dirname)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/'(AMI_BRIDGE_[A-Z_]+)'/g)) used.add(m[1] as string);
  }
  assert.ok(used.size > 0);
  for (const code of used) assert.ok(code in amiBridgeErrorCodes, `${code} is not documented`);
});

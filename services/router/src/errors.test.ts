import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { routerErrorCodes } from './errors.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return n.endsWith('.ts') && !n.endsWith('.test.ts') && n !== 'errors.ts' ? [p] : [];
  });
}

test('given the router sources, then every ROUTER_ code they use is documented in the catalogue', () => {
  const used = new Set<string>();
  for (const f of sources(import.meta.dirname)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/'(ROUTER_[A-Z_]+)'/g)) used.add(m[1]!);
  }
  for (const code of used) assert.ok(code in routerErrorCodes, `${code} is not documented in errors.ts`);
  for (const [code, text] of Object.entries(routerErrorCodes)) {
    assert.match(code, /^ROUTER_[A-Z]+_[A-Z_]+$/);
    assert.ok(text.length > 10, `${code} needs a description`);
  }
});

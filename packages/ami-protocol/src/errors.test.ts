import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AmiError, amiErrorCodes } from './errors.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

test('given the source of @sa/ami-protocol, when every AMI_* code it uses is collected, then each is documented in the catalogue', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(import.meta.dirname)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(AMI_[A-Z_]+)'/g)) used.add(m[1] as string);
  }
  for (const code of used) assert.ok(code in amiErrorCodes, `${code} is used but not documented`);
  for (const [code, text] of Object.entries(amiErrorCodes))
    assert.ok(text.length > 10, `${code} needs a description`);
});

test('given an AmiError, when created, then it carries name, code, context and cause', () => {
  const cause = new Error('socket');
  const err = new AmiError('AMI_DISCONNECTED', undefined, { action: 'Ping' }, { cause });
  assert.equal(err.name, 'AmiError');
  assert.equal(err.code, 'AMI_DISCONNECTED');
  assert.equal(err.message, amiErrorCodes.AMI_DISCONNECTED);
  assert.deepEqual(err.context, { action: 'Ping' });
  assert.equal(err.cause, cause);
});

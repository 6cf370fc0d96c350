import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueProblems, defineErrors } from './error-catalogue.js';

test('given codes without the prefix, without a text or with a status that is no error, then defineErrors refuses them', () => {
  assert.throws(() => defineErrors('SVC', { OTHER_THING_FAILED: { text: 'x' } }), /SVC_<AREA>_<WHAT>/);
  assert.throws(() => defineErrors('SVC', { SVC_THING_FAILED: { text: ' ' } }), /needs a text/);
  assert.throws(
    () => defineErrors('SVC', { SVC_THING_FAILED: { text: 'x', status: 200 } }),
    /not an error status/,
  );
  assert.deepEqual(defineErrors('SVC', { SVC_THING_FAILED: { text: 'x', status: 503 } }), {
    SVC_THING_FAILED: { text: 'x', status: 503 },
  });
});

test('given sources using a code the catalogue lacks and a doc missing a code or its status, then each is a problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "throw new E('SVC_KNOWN_FAILED'); throw new E('SVC_NEW_FAILED');\n");
    writeFileSync(join(dir, 'a.test.ts'), "'SVC_ONLY_IN_TESTS'\n");
    const catalogue = {
      SVC_KNOWN_FAILED: { text: 'known', status: 503 },
      SVC_OTHER_FAILED: { text: 'other', status: 409 },
    };
    const doc = '| `SVC_KNOWN_FAILED` | 500 | wrong status |\n';
    assert.deepEqual(catalogueProblems({ prefix: 'SVC', catalogue, sourceDir: dir, doc }), [
      'SVC_NEW_FAILED is used but not in the catalogue',
      'SVC_KNOWN_FAILED is documented without its status 503',
      'SVC_OTHER_FAILED is not documented',
    ]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

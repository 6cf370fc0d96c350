// The catalogue check every service shares (@sa/platform error-catalogue.ts): each INGEST_ code the
// sources use is in the catalogue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueProblems } from '@sa/platform';
import { INGEST_ERRORS } from './errors.js';

test('given the ingest sources, then every INGEST_ code they use is in its catalogue', () => {
  assert.deepEqual(
    catalogueProblems({ prefix: 'INGEST', catalogue: INGEST_ERRORS, sourceDir: import.meta.dirname }),
    [],
  );
});

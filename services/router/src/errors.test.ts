// The catalogue check every service shares (@sa/platform error-catalogue.ts): each ROUTER_ code the
// sources use is in the catalogue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueProblems } from '@sa/platform';
import { routerErrorCodes } from './errors.js';

test('given the router sources, then every ROUTER_ code they use is in its catalogue', () => {
  assert.deepEqual(
    catalogueProblems({ prefix: 'ROUTER', catalogue: routerErrorCodes, sourceDir: import.meta.dirname }),
    [],
  );
});

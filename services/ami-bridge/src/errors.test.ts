// The catalogue check every service shares (@sa/platform error-catalogue.ts): each AMI_BRIDGE_ code the
// sources use is in the catalogue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueProblems } from '@sa/platform';
import { amiBridgeErrorCodes } from './errors.js';

test('given the ami-bridge sources, then every AMI_BRIDGE_ code they use is in its catalogue', () => {
  assert.deepEqual(
    catalogueProblems({
      prefix: 'AMI_BRIDGE',
      catalogue: amiBridgeErrorCodes,
      sourceDir: import.meta.dirname,
    }),
    [],
  );
});

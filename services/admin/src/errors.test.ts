// The catalogue check every service shares (@sa/platform error-catalogue.ts): each ADMIN_ code the
// sources use is in the catalogue, and docs/api.md names every code with its HTTP status (phone
// request codes travel on the bus, not in HTTP answers).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { catalogueProblems } from '@sa/platform';
import { adminEnvSchema } from './config.js';
import { ERRORS } from './errors.js';

test('given the error catalogue, then every code the sources use is in it and docs/api.md documents each with its status', () => {
  const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  assert.deepEqual(
    catalogueProblems({
      prefix: 'ADMIN',
      catalogue: ERRORS,
      sourceDir: import.meta.dirname,
      doc,
      statusOptional: (code) => code.startsWith('ADMIN_PHONE_'),
      notCodes: new Set(Object.keys(adminEnvSchema.shape)),
    }),
    [],
  );
});

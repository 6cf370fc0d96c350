import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateServerKey, hashPassword, verifyPassword } from './credentials.js';
import { SERVER_KEY } from './naming.js';

test('given a hashed password, when verified, then only the right password matches', async () => {
  const stored = await hashPassword('correct horse');
  assert.match(stored, /^scrypt\$/);
  assert.equal(await verifyPassword('correct horse', stored), true);
  assert.equal(await verifyPassword('wrong horse', stored), false);
});

test('given generated server keys, then each is 16 alphanumerics', () => {
  for (let i = 0; i < 50; i++) assert.match(generateServerKey(), SERVER_KEY);
});

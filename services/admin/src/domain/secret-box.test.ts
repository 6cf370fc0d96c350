import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from './secret-box.js';

test('given a sealed secret, when opened with the same KEK, then it round-trips and hides the plaintext', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal(Buffer.from('ABCDEFGH12345678'));
  assert.ok(!sealed.includes(Buffer.from('ABCDEFGH12345678')));
  assert.equal(box.open(sealed).toString(), 'ABCDEFGH12345678');
});

test('given another KEK, when opening, then it fails', () => {
  const sealed = new SecretBox(randomBytes(32)).seal(Buffer.from('x'));
  assert.throws(() => new SecretBox(randomBytes(32)).open(sealed));
});

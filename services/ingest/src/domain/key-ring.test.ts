import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import { KeyRing } from './key-ring.js';

const key = (keyId: number, secret: string, state: number, notAfterMs = 0, deviceId = '') =>
  v1.ServerKey.create({ keyId, secret: Buffer.from(secret), state, notAfterMs, deviceId });

describe('KeyRing', () => {
  it('given no snapshot, when asked, then only the default key 1 is accepted and reported', () => {
    const ring = new KeyRing();
    assert.ok(ring.lookup(1, 'd', 0));
    assert.deepEqual(ring.summary(0), {
      source: 'default',
      keyIds: [1],
      defaultKeyInUse: true,
      serverKeysDisabled: false,
    });
  });

  it('given a retiring key, when its not_after passes, then it is no longer accepted', () => {
    const ring = new KeyRing();
    ring.replace(
      v1.KeyRingChanged.create({
        keys: [
          key(2, 'Abcdefgh12345678', v1.KeyState.KEY_STATE_RETIRING, 1000),
          key(3, 'Zyxwvuts98765432', v1.KeyState.KEY_STATE_ACTIVE),
        ],
      }),
    );
    assert.ok(ring.lookup(2, 'd', 999));
    assert.equal(ring.lookup(2, 'd', 1000), undefined);
    assert.ok(ring.lookup(3, 'd', 5000));
    assert.equal(ring.lookup(1, 'd', 0), undefined);
    assert.equal(ring.summary(0).defaultKeyInUse, false);
  });

  it('given a device key and a bad secret, when looked up, then only the owner may use it', () => {
    const ring = new KeyRing();
    const problems = ring.replace(
      v1.KeyRingChanged.create({
        keys: [
          key(9, 'Abcdefgh12345678', v1.KeyState.KEY_STATE_ACTIVE, 0, 'dev-a'),
          key(10, 'short', v1.KeyState.KEY_STATE_ACTIVE),
        ],
      }),
    );
    assert.equal(problems.length, 1);
    assert.ok(ring.lookup(9, 'dev-a', 0));
    assert.equal(ring.lookup(9, 'dev-b', 0), undefined);
    assert.equal(ring.lookup(10, 'dev-a', 0), undefined);
  });
});

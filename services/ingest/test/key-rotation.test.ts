// Key rotation with overlap, followed live from the keys KV bucket (no restart).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { v1 } from '@sa/proto';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

describe('ingest key rotation', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;
  const phone = (deviceId: string, secret: string, keyId: number, ownKey = false) =>
    new PhoneClient(
      { deviceId, secret, keyId, ownKey },
      { host: '127.0.0.1', port: ingest.port, transport: 'udp' },
    );
  const pingOk = async (client: PhoneClient) =>
    (await client.send({ ping: {} }, { timeoutMs: 400 })).replies[0]?.status ===
    v1.ReplyStatus.REPLY_STATUS_OK;

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'old-phone' });
    await fx.seedDevice({ deviceId: 'new-phone' });
    await fx.seedDevice({ deviceId: 'own-phone', enrolled: true });
    ingest = await fx.startInstance({ RATE_LIMIT_DEVICE_PER_SEC: '100', RATE_LIMIT_DEVICE_BURST: '100' });
  });
  after(() => fx.close());

  it('given a running ingest on the default key, when admin writes a ring, then it switches without restart', async () => {
    assert.ok(await pingOk(phone('old-phone', '1234567890123456', 1)));
    await fx.seedKeys([{ keyId: 2, secret: 'FirstKey12345678' }]);
    await eventually(() => ingest.app.readiness().defaultKeyInUse === false, 5000, 'ring applied');
    assert.ok(await pingOk(phone('old-phone', 'FirstKey12345678', 2)));
    const before = await ingest.rejected('unknown_key');
    assert.equal(await pingOk(phone('old-phone', '1234567890123456', 1)), false);
    assert.equal(await ingest.rejected('unknown_key'), before + 1);
  });

  it('given a rotation with overlap, when both phones send, then old works until not_after and new works at once', async () => {
    const notAfterMs = Date.now() + 1500;
    await fx.seedKeys([
      { keyId: 2, secret: 'FirstKey12345678', state: 'retiring', notAfterMs },
      { keyId: 3, secret: 'SecondKey1234567' },
    ]);
    await eventually(() => (ingest.app.readiness().acceptedKeyIds as number[]).includes(3), 5000, 'key 3');
    const oldPhone = phone('old-phone', 'FirstKey12345678', 2);
    const newPhone = phone('new-phone', 'SecondKey1234567', 3);
    assert.ok(await pingOk(newPhone));
    assert.ok(await pingOk(oldPhone));
    await eventually(() => Date.now() > notAfterMs, 3000, 'overlap end');
    const before = await ingest.rejected('unknown_key');
    assert.equal(await pingOk(oldPhone), false);
    assert.equal(await ingest.rejected('unknown_key'), before + 1);
    assert.ok(await pingOk(newPhone));
  });

  it('given a device with its own key, when it uses the server key or another device uses its key, then unknown_key', async () => {
    await fx.seedKeys([
      { keyId: 3, secret: 'SecondKey1234567' },
      { keyId: 50, secret: 'OwnKeyOfPhone123', deviceId: 'own-phone' },
    ]);
    await eventually(() => (ingest.app.readiness().acceptedKeyIds as number[]).includes(50), 5000, 'key 50');
    assert.ok(await pingOk(phone('own-phone', 'OwnKeyOfPhone123', 50, true)));
    const before = await ingest.rejected('unknown_key');
    assert.equal(await pingOk(phone('own-phone', 'SecondKey1234567', 3)), false);
    assert.equal(await pingOk(phone('new-phone', 'OwnKeyOfPhone123', 50, true)), false);
    assert.equal(await ingest.rejected('unknown_key'), before + 2);
  });

  it('given the ring is deleted, when read, then the default key is back and reported', async () => {
    await fx.keys.delete('ring');
    await eventually(() => ingest.app.readiness().defaultKeyInUse === true, 5000, 'default key');
    assert.ok(await pingOk(phone('new-phone', '1234567890123456', 1)));
  });
});

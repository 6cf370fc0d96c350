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

  it("given two enrolled devices, when a packet for one comes under the server key, the other one's key, or names it inside the other one's envelope, then each is rejected with its own reason", async () => {
    await fx.seedDevice({ deviceId: 'enrolled-b', enrolled: true });
    await fx.seedKeys([{ keyId: 3, secret: 'SecondKey1234567' }]);
    await fx.seedDeviceKeys('own-phone', [{ keyId: 50, secret: 'OwnKeyOfPhone123' }]);
    await fx.seedDeviceKeys('enrolled-b', [{ keyId: 51, secret: 'OwnKeyOfPhoneB12' }]);
    await eventually(() => ingest.app.readiness().devicesWithOwnKeys === 2, 5000, 'device keys');
    assert.ok(await pingOk(phone('own-phone', 'OwnKeyOfPhone123', 50, true)));
    assert.ok(await pingOk(phone('enrolled-b', 'OwnKeyOfPhoneB12', 51, true)));
    const before = {
      server: await ingest.rejected('server_key_refused'),
      foreign: await ingest.rejected('foreign_key'),
      mismatch: await ingest.rejected('device_mismatch'),
    };
    assert.equal(await pingOk(phone('enrolled-b', 'SecondKey1234567', 3)), false, 'server key');
    assert.equal(await pingOk(phone('enrolled-b', 'OwnKeyOfPhone123', 50, true)), false, "A's key");
    const inside = phone('own-phone', 'OwnKeyOfPhone123', 50, true);
    const reply = await inside.send({ ping: {}, deviceId: 'enrolled-b' } as never, { timeoutMs: 400 });
    assert.equal(reply.replies.length, 0, "B's id inside A's envelope");
    assert.equal(await ingest.rejected('server_key_refused'), before.server + 1);
    assert.equal(await ingest.rejected('foreign_key'), before.foreign + 1);
    assert.equal(await ingest.rejected('device_mismatch'), before.mismatch + 1);
    assert.ok(await pingOk(phone('new-phone', 'SecondKey1234567', 3)), 'a server-key device still works');
  });

  it('given an enrolled device whose keys were revoked, when it sends under its old key or the server key, then it is refused', async () => {
    await fx.seedDeviceKeys('enrolled-b', [{ keyId: 51, secret: 'OwnKeyOfPhoneB12', state: 'retired' }]);
    await eventually(
      async () => !(await pingOk(phone('enrolled-b', 'OwnKeyOfPhoneB12', 51, true))),
      5000,
      'revoked',
    );
    assert.equal(await pingOk(phone('enrolled-b', 'SecondKey1234567', 3)), false);
  });

  it('given the server keys turned off, when a server-key device sends, then server_key_refused, and enrolled devices still work', async () => {
    await fx.seedKeys([], { serverKeysDisabled: true });
    await eventually(() => ingest.app.readiness().serverKeysDisabled === true, 5000, 'server keys off');
    const before = await ingest.rejected('server_key_refused');
    assert.equal(await pingOk(phone('new-phone', 'SecondKey1234567', 3)), false);
    assert.equal(await pingOk(phone('new-phone', '1234567890123456', 1)), false);
    assert.equal(await ingest.rejected('server_key_refused'), before + 2);
    assert.ok(await pingOk(phone('own-phone', 'OwnKeyOfPhone123', 50, true)));
  });

  it('given the ring is deleted, when read, then the default key is back and reported', async () => {
    await fx.keys.delete('ring');
    await eventually(() => ingest.app.readiness().defaultKeyInUse === true, 5000, 'default key');
    assert.ok(await pingOk(phone('new-phone', '1234567890123456', 1)));
  });
});

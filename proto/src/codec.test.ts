import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busNames, decodeMessage, encodeMessage, ProtoDecodeError, ProtoInvalidError, v1 } from './index.js';

test('given a PresenceReported, when encoded and decoded, then every field survives', () => {
  const msg = v1.PresenceReported.create({
    deviceId: 'A1B2C3D4E5F6G7H8I9J0',
    extension: '230',
    counter: 2 ** 40,
    sentAtMs: 1_795_776_692_000,
    receivedAtMs: 1_795_776_692_010,
    connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:ff', rssiDbm: -51 },
    visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -80 }],
    batteryPct: 77,
    sourceIp: '127.0.0.1',
  });
  const bytes = encodeMessage(v1.PresenceReported, msg, 'PresenceReported');
  const back = decodeMessage(v1.PresenceReported, bytes, 'PresenceReported');
  assert.equal(back.counter, 2 ** 40);
  assert.equal(back.connected?.rssiDbm, -51);
  assert.equal(back.visible?.[0]?.bssid, '11:22:33:44:55:66');
  assert.equal(back.batteryPct, 77);
});

test('given garbage bytes, when decoded, then a typed ProtoDecodeError names the type', () => {
  assert.throws(
    () => decodeMessage(v1.AmiCommand, Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'AmiCommand'),
    (err: unknown) => err instanceof ProtoDecodeError && err.message.includes('AmiCommand'),
  );
});

test('given a message with a wrong field type, when encoded, then ProtoInvalidError is thrown', () => {
  const bad = { extension: 42 } as unknown as InstanceType<typeof v1.ScenarioChanged>;
  assert.throws(() => encodeMessage(v1.ScenarioChanged, bad, 'ScenarioChanged'), ProtoInvalidError);
});

test('given a prefix, then subjects, stream and buckets are namespaced by it', () => {
  const names = busNames('t_abc');
  assert.equal(names.presence('230'), 't_abc.v1.phone.presence.230');
  assert.equal(names.phoneStream, 'T_ABC_PHONE');
  assert.equal(names.devicesBucket, 't_abc_devices');
  assert.equal(names.followMeStatus('230'), 't_abc.v1.router.followme.230');
  assert.throws(() => busNames('bad.prefix'));
  assert.throws(() => names.presence('23 0'));
});

test('given a phone-stream subject, then its unstored copy is outside the stream and maps back to it', () => {
  const names = busNames('t_abc');
  const unstored = names.unstored(names.choice('230'));
  assert.equal(unstored, 't_abc.v1.unstored.phone.choice.230');
  assert.equal(names.unstoredAll, 't_abc.v1.unstored.phone.>');
  assert.equal(unstored.startsWith(names.phoneAll.slice(0, -1)), false, 'not captured by the stream');
  assert.equal(names.storedSubjectOf(unstored), names.choice('230'));
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { issuerKeyId, LicenceError, parseIssuerKeys, signLicence, verifyLicence } from './licence.js';

const issuer = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const now = new Date('2026-06-01T00:00:00Z');
const lic = (deviceId: string, expiresAt: string, key = issuer.privateKey) =>
  signLicence(
    {
      deviceId,
      tier: 'premium',
      issuedAt: now.toISOString(),
      expiresAt,
      issuerKeyId: issuerKeyId(issuer.publicKey),
    },
    key,
  );

const rejects = (fn: () => unknown, code: string) =>
  assert.throws(fn, (err: unknown) => err instanceof LicenceError && err.code === code);

test('given a licence signed by a configured issuer, when verified for its device, then tier and expiry are read', () => {
  const v = verifyLicence(
    lic('ABCDEFGHIJ0123456789', '2027-12-31'),
    'ABCDEFGHIJ0123456789',
    [issuer.publicKey],
    now,
  );
  assert.equal(v.tier, 'premium');
  assert.equal(v.expiresAt, '2027-12-31T23:59:59.999Z');
});

test('given a licence for another device, when verified, then ADMIN_LICENCE_WRONG_DEVICE names both ids', () => {
  assert.throws(
    () => verifyLicence(lic('OTHERDEVICE1', '2027-12-31'), 'ABCDEFGHIJ0123456789', [issuer.publicKey], now),
    /OTHERDEVICE1.*ABCDEFGHIJ0123456789/,
  );
});

test('given a wrong signer, tampering, expiry or garbage, then each has its own code', () => {
  rejects(
    () => verifyLicence(lic('DEV12345', '2027-12-31', other.privateKey), 'DEV12345', [issuer.publicKey], now),
    'ADMIN_LICENCE_BAD_SIGNATURE',
  );
  const tampered = JSON.parse(lic('DEV12345', '2027-12-31'));
  tampered.payload = Buffer.from(
    JSON.stringify({ deviceId: 'DEV12345', tier: 'premium', expiresAt: '2099-01-01' }),
  ).toString('base64');
  rejects(
    () => verifyLicence(JSON.stringify(tampered), 'DEV12345', [issuer.publicKey], now),
    'ADMIN_LICENCE_BAD_SIGNATURE',
  );
  rejects(
    () => verifyLicence(lic('DEV12345', '2026-01-01'), 'DEV12345', [issuer.publicKey], now),
    'ADMIN_LICENCE_EXPIRED',
  );
  rejects(() => verifyLicence('not json', 'DEV12345', [issuer.publicKey], now), 'ADMIN_LICENCE_INVALID');
});

test('given issuer keys as PEM or base64 DER, when parsed, then both forms load', () => {
  const pem = issuer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const b64 = other.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  assert.equal(parseIssuerKeys(pem).length, 1);
  assert.equal(parseIssuerKeys(`${b64}, ${b64}`).length, 2);
  assert.deepEqual(parseIssuerKeys(''), []);
});

test('given a licence issued more than 5 minutes after now, when verified, then ADMIN_LICENCE_ISSUED_IN_FUTURE names issuedAt; within the allowance it is accepted', () => {
  const issuedAt = (ms: number) =>
    signLicence(
      {
        deviceId: 'DEV12345',
        tier: 'standard',
        issuedAt: new Date(now.getTime() + ms).toISOString(),
        expiresAt: '2027-12-31',
        issuerKeyId: issuerKeyId(issuer.publicKey),
      },
      issuer.privateKey,
    );
  assert.throws(
    () => verifyLicence(issuedAt(5 * 60_000 + 1000), 'DEV12345', [issuer.publicKey], now),
    (err: unknown) =>
      err instanceof LicenceError &&
      err.code === 'ADMIN_LICENCE_ISSUED_IN_FUTURE' &&
      err.message.includes('issuedAt 2026-06-01T00:05:01.000Z'),
  );
  assert.equal(verifyLicence(issuedAt(4 * 60_000), 'DEV12345', [issuer.publicKey], now).tier, 'standard');
});

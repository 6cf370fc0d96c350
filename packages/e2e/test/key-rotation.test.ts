// Key rotation the way an administrator does it: the `smart-set-secret` command asks admin to add a
// key; admin's outbox carries the new key ring to ingest through NATS KV; ingest accepts the new key at
// once and the old one until the overlap ends — no restart anywhere.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PhoneClient } from '@sa/phone-client';
import { repoRoot, testUrls, waitFor } from '@sa/testkit';
import { OFFICE_SCENARIO as O, provisionOfficeScenario, type Stack, startStack } from '../src/index.js';

const run = promisify(execFile);
const NEW_KEY = 'RotatedKey2026ab';
const OVERLAP_S = 4;
let stack: Stack;

const setSecret = (...args: string[]) =>
  run(
    process.execPath,
    [join(repoRoot, 'services', 'admin', 'dist', 'cli', 'smart-set-secret.js'), ...args],
    {
      env: { PATH: process.env.PATH ?? '', NATS_URL: testUrls.nats, SA_BUS_PREFIX: stack.prefix },
    },
  );

const phoneWith = (secret: string, keyId: number) =>
  new PhoneClient(
    { deviceId: O.deviceId, secret, keyId },
    { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
  );

const answered = async (phone: PhoneClient) =>
  (await phone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 1;

describe('server key rotation with overlap', () => {
  before(async () => {
    stack = await startStack({ extraEnv: { admin: { ADMIN_KEY_SWEEP_MS: '200' } } });
    await provisionOfficeScenario(stack);
    await waitFor(() => answered(phoneWith(O.serverKey, O.keyId)), {
      timeoutMs: 15_000,
      what: 'default key accepted',
    });
  });
  after(async () => {
    await stack?.stop();
  });

  test('given a malformed key, when smart-set-secret runs, then it fails with a clear message and nothing changes', async () => {
    await assert.rejects(setSecret('too-short'), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /must be exactly 16 ASCII letters or digits/);
      return true;
    });
    const keys = await stack.admin.request<{ items: Array<{ state: string }> }>('GET', '/keys');
    assert.equal(keys.items.filter((k) => k.state === 'active').length, 1);
  });

  test('given smart-set-secret NEWKEY --overlap, then the new key works at once and the old one until the overlap ends', async () => {
    const { stdout } = await setSecret(NEW_KEY, '--overlap', String(OVERLAP_S));
    assert.ok(stdout.length > 0);
    assert.equal(stdout.includes(NEW_KEY), false, 'the command never echoes the secret');
    const keys = await stack.admin.request<{
      items: Array<{ keyId: number; state: string; notAfter: string | null }>;
    }>('GET', '/keys');
    const active = keys.items.find((k) => k.state === 'active');
    const retiring = keys.items.find((k) => k.state === 'retiring');
    assert.ok(active && retiring, `keys: ${JSON.stringify(keys.items)}`);
    assert.equal(retiring.keyId, O.keyId);
    assert.equal(JSON.stringify(keys).includes(NEW_KEY), false, 'the API never returns a secret');

    const rotatedAt = Date.now();
    await waitFor(() => answered(phoneWith(NEW_KEY, active.keyId)), {
      timeoutMs: 10_000,
      what: 'ingest to accept the new key without a restart',
    });
    assert.equal(
      await answered(phoneWith(O.serverKey, O.keyId)),
      true,
      'the old key still works during the overlap',
    );
    await waitFor(async () => !(await answered(phoneWith(O.serverKey, O.keyId))), {
      timeoutMs: OVERLAP_S * 1000 + 10_000,
      intervalMs: 500,
      what: 'the old key to stop working after the overlap',
    });
    assert.ok(
      Date.now() - rotatedAt >= OVERLAP_S * 1000 - 1000,
      'the old key was not retired before the overlap ended',
    );
    assert.equal(await answered(phoneWith(NEW_KEY, active.keyId)), true, 'the new key keeps working');
    for (const svc of Object.values(stack.services)) {
      assert.equal(
        svc.logs.some((l) => JSON.stringify(l).includes(NEW_KEY)),
        false,
        `${svc.name} logged the secret`,
      );
    }
  });
});

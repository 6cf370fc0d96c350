import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSnapshotBuckets } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { eventually, startHarness } from '../src/test-support/admin-harness.js';

const DEV = 'ABCDEFGHIJ0123456789';

test('given changes, when committed, then events are published and the KV snapshot holds devices, users and the key ring', async () => {
  await using h = await startHarness();
  const c = await h.nats();
  const names = busNames(h.prefix);
  const buckets = await openSnapshotBuckets(c.nc, names);
  await h.call('POST', '/api/v1/devices', {
    deviceId: DEV,
    extension: '230',
    licence: h.licence(DEV, 'standard'),
  });
  const desk = (await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '230' })).json;
  await h.call('PUT', '/api/v1/users/230/scenarios', {
    scenarios: [{ name: 'Desk', destinationId: desk.id, rules: [], isDefault: true }],
  });
  const device = await eventually(async () => {
    const e = await buckets.devices.get(DEV);
    return e?.value.length ? decodeMessage(v1.Device, e.value, 'Device') : undefined;
  });
  assert.equal(device.extension, '230');
  assert.equal(device.tier, v1.Tier.TIER_STANDARD);
  assert.equal(device.permissions?.specificDestinations, true);
  const user = await eventually(async () => {
    const e = await buckets.users.get('230');
    const u = e?.value.length ? decodeMessage(v1.UserConfig, e.value, 'UserConfig') : undefined;
    return u && u.scenarios.length > 0 ? u : undefined;
  });
  assert.equal(user.scenarios[0]?.target?.dial, '230');
  assert.deepEqual(user.deviceIds, [DEV]);
  const ring = decodeMessage(v1.KeyRingChanged, (await buckets.keys.get('ring'))!.value, 'KeyRingChanged');
  assert.equal(ring.keys[0]?.keyId, 1);
  assert.equal(Buffer.from(ring.keys[0]!.secret ?? []).toString(), '1234567890123456');
  await h.call('DELETE', `/api/v1/devices/${DEV}`);
  await eventually(async () => ((await buckets.devices.get(DEV))?.operation === 'DEL' ? true : undefined));
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function startNats(port: number, dir: string): ChildProcess {
  return spawn('/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: 'ignore',
  });
}

async function stopNats(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  await eventually(
    () =>
      new Promise<true | undefined>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.destroy();
          resolve(true);
        });
        sock.on('error', () => resolve(undefined));
      }),
    10_000,
  );
}

test('given NATS is down, when changes are made, then after NATS returns every event arrives once and in order', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sa-admin-nats-'));
  let nats = startNats(port, dir);
  try {
    await waitForPort(port);
    await using h = await startHarness({ NATS_URL: `nats://127.0.0.1:${port}` });
    const c = await h.nats2(`nats://127.0.0.1:${port}`);
    const names = busNames(h.prefix);
    const seen: string[] = [];
    const revisions: number[] = [];
    const sub = c.nc.subscribe(names.deviceChanged);
    void (async () => {
      for await (const m of sub) {
        const e = decodeMessage(v1.DeviceChanged, m.data, 'DeviceChanged');
        seen.push(`${e.device?.deviceId}:${e.device?.enabled}`);
        revisions.push(Number(e.revision));
      }
    })();
    await c.nc.flush();
    await h.call('POST', '/api/v1/devices', { deviceId: 'DEVICE0', extension: '230' });
    await eventually(() => (seen.length === 1 ? true : undefined));

    await stopNats(nats);
    const expected = ['DEVICE0:true'];
    for (let i = 1; i <= 5; i++) {
      const res = await h.call('POST', '/api/v1/devices', { deviceId: `DEVICE${i}`, extension: '230' });
      assert.equal(res.status, 201, res.body);
      expected.push(`DEVICE${i}:true`);
    }
    const off = await h.call('PATCH', '/api/v1/devices/DEVICE1', { enabled: false });
    assert.equal(off.status, 200);
    expected.push('DEVICE1:false');
    assert.ok((await h.app.relay.pending()) >= 6, 'changes wait in the outbox');

    nats = startNats(port, dir);
    await waitForPort(port);
    await eventually(() => (seen.length >= expected.length ? true : undefined), 20_000);
    await eventually(async () => ((await h.app.relay.pending()) === 0 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up within this window
    assert.deepEqual(seen, expected);
    assert.deepEqual(
      [...revisions].sort((a, b) => a - b),
      revisions,
    );
    const buckets = await openSnapshotBuckets(c.nc, names);
    const d1 = decodeMessage(v1.Device, (await buckets.devices.get('DEVICE1'))!.value, 'Device');
    assert.equal(d1.enabled, false);
  } finally {
    await stopNats(nats);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('given a premium device allowed to create targets, when the phone asks over NATS, then targets follow the tier rules', async () => {
  await using h = await startHarness();
  const c = await h.nats();
  const names = busNames(h.prefix);
  await h.call('POST', '/api/v1/devices', { deviceId: DEV, extension: '230', allowCreateTargets: true });
  await h.call('POST', '/api/v1/destinations', { name: 'SMART-Desk', dial: '230' });
  await h.call('POST', '/api/v1/destinations', { name: '230-Mobile', dial: '0170' });
  const ask = async (req: Record<string, string>) => {
    const msg = await c.nc.request(
      names.phoneTargets,
      encodeMessage(
        v1.PhoneTargetsRequest,
        v1.PhoneTargetsRequest.create({ deviceId: DEV, extension: '230', ...req }),
        'PhoneTargetsRequest',
      ),
      { timeout: 3000 },
    );
    return decodeMessage(v1.PhoneTargetsReply, msg.data, 'PhoneTargetsReply');
  };
  const free = await ask({});
  assert.equal(free.ok, true);
  assert.equal(free.tier, v1.Tier.TIER_FREE);
  assert.deepEqual(
    free.targets.map((t) => t.name),
    ['SMART-Desk'],
  );
  const denied = await ask({ createName: 'Home', createDial: '0301234' });
  assert.equal(denied.errorCode, 'ADMIN_PHONE_CREATE_FORBIDDEN');

  await h.call('PUT', `/api/v1/devices/${DEV}/licence`, { licence: h.licence(DEV, 'premium') });
  const created = await ask({ createName: 'Home', createDial: '0301234' });
  assert.equal(created.ok, true, created.message ?? '');
  assert.equal(created.tier, v1.Tier.TIER_PREMIUM);
  assert.equal(created.permissions?.createTargets, true);
  assert.deepEqual(created.targets.map((t) => t.name).sort(), ['230-Home', '230-Mobile', 'SMART-Desk']);
  const dest = (await h.call('GET', '/api/v1/destinations?scope=specific')).json.items.find(
    (d: { name: string }) => d.name === '230-Home',
  );
  assert.equal(dest.createdBy, `device:${DEV}`);

  await h.call('PATCH', `/api/v1/devices/${DEV}`, { allowCreateTargets: false });
  assert.equal((await ask({ createName: 'Gym', createDial: '1' })).errorCode, 'ADMIN_PHONE_CREATE_FORBIDDEN');
  const unknown = await c.nc.request(
    names.phoneTargets,
    encodeMessage(
      v1.PhoneTargetsRequest,
      v1.PhoneTargetsRequest.create({ deviceId: 'NOPE1234' }),
      'PhoneTargetsRequest',
    ),
  );
  assert.equal(
    decodeMessage(v1.PhoneTargetsReply, unknown.data, 'PhoneTargetsReply').errorCode,
    'ADMIN_PHONE_DEVICE_UNKNOWN',
  );
});

test('given smart-set-secret, when a new key is set with an overlap, then the ring has both keys and the old one retires after it', async () => {
  await using h = await startHarness();
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      child.on('exit', (status) => resolve({ status, stderr }));
    });
  const cli = new URL('../src/cli/smart-set-secret.ts', import.meta.url).pathname;
  const env = { ...process.env, SA_BUS_PREFIX: h.prefix };
  const bad = await run(['short']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /16 ASCII letters or digits/);
  const ok = await run(['NewSecretKey2026', '--overlap', '3']);
  assert.equal(ok.status, 0, ok.stderr);
  const keys = (await h.call('GET', '/api/v1/keys')).json.items;
  assert.deepEqual(
    keys.map((k: { keyId: number; state: string }) => `${k.keyId}:${k.state}`),
    ['1:retiring', '2:active'],
  );
  const c = await h.nats();
  const buckets = await openSnapshotBuckets(c.nc, busNames(h.prefix));
  const ring = await eventually(async () => {
    const r = decodeMessage(v1.KeyRingChanged, (await buckets.keys.get('ring'))!.value, 'KeyRingChanged');
    return r.keys.length === 1 && r.keys[0]?.keyId === 2 ? r : undefined;
  }, 8000);
  assert.equal(Buffer.from(ring.keys[0]!.secret ?? []).toString(), 'NewSecretKey2026');
  assert.equal((await h.call('GET', '/api/v1/keys')).json.items[0].state, 'retired');
});

test('given the board stream is open, when the router announces a scenario change, then a presence event arrives', async () => {
  await using h = await startHarness();
  const c = await h.nats();
  const names = busNames(h.prefix);
  const base = h.app.addresses.http!;
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/v1/presence/stream`, {
    headers: { authorization: `Bearer ${h.token}` },
    signal: ctrl.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  await eventually(() => (h.app.presence.listenerCount > 0 ? true : undefined));
  c.nc.publish(
    names.scenarioChanged('230'),
    encodeMessage(
      v1.ScenarioChanged,
      v1.ScenarioChanged.create({
        extension: '230',
        scenarioName: 'Office',
        targetDial: '230',
        version: 1,
        decidedAtMs: Date.now(),
      }),
      'ScenarioChanged',
    ),
  );
  let text = '';
  while (!text.includes('Office')) text += (await reader.read()).value ?? '';
  ctrl.abort();
  assert.match(text, /event: presence/);
  assert.equal((await h.call('GET', '/api/v1/presence')).json.items[0].scenarioName, 'Office');
});

test("given router announces a user without a saved Follow Me, when the API is asked, then it lists the user with router's fix until router announces ok (issue 21)", async () => {
  await using h = await startHarness();
  const c = await h.nats();
  const names = busNames(h.prefix);
  const fix =
    'Applications > Follow Me for 233: save once with ring strategy ringall and "Destination if no answer" set (any list: router replaces it), then Apply Config';
  const announce = (status: number, checkedAtMs: number, text: string) =>
    c.nc.publish(
      names.followMeStatus('233'),
      encodeMessage(
        v1.FollowMeStatusChanged,
        v1.FollowMeStatusChanged.create({
          extension: '233',
          status,
          fix: text,
          checkedAtMs,
          republishMs: 60_000,
        }),
        'FollowMeStatusChanged',
      ),
    );
  assert.deepEqual((await h.call('GET', '/api/v1/followme-status')).json, { items: [] });
  const checkedAtMs = Date.now();
  announce(v1.FollowMeStatus.FOLLOW_ME_STATUS_NO_FOLLOWME, checkedAtMs, fix);
  const listed = await eventually(async () => {
    const items = (await h.call('GET', '/api/v1/followme-status')).json.items;
    return items.length > 0 ? items : undefined;
  });
  assert.deepEqual(listed, [
    { extension: '233', status: 'no-followme', fix, checkedAt: new Date(checkedAtMs).toISOString() },
  ]);
  announce(v1.FollowMeStatus.FOLLOW_ME_STATUS_OK, checkedAtMs + 5000, '');
  await eventually(async () =>
    (await h.call('GET', '/api/v1/followme-status')).json.items.length === 0 ? true : undefined,
  );
});

test('given a key rotation, when the KeyRingChanged event is published, then it names the keys without their secrets, which only the key bucket holds', async () => {
  await using h = await startHarness();
  const c = await h.nats();
  const names = busNames(h.prefix);
  const events: InstanceType<typeof v1.KeyRingChanged>[] = [];
  const sub = c.nc.subscribe(names.keyRingChanged);
  void (async () => {
    for await (const m of sub) events.push(decodeMessage(v1.KeyRingChanged, m.data, 'KeyRingChanged'));
  })();
  await c.nc.flush();
  const secret = 'NoSecretOnSubj42';
  assert.equal((await h.call('POST', '/api/v1/keys/rotate', { secret, overlapSeconds: 60 })).status, 201);
  const event = await eventually(async () => events.find((e) => e.keys.length === 2));
  assert.deepEqual(
    event.keys.map((k) => [k.keyId, k.state, Buffer.from(k.secret ?? []).length]),
    [
      [1, v1.KeyState.KEY_STATE_RETIRING, 0],
      [2, v1.KeyState.KEY_STATE_ACTIVE, 0],
    ],
  );
  const buckets = await openSnapshotBuckets(c.nc, names);
  const ring = await eventually(async () => {
    const e = await buckets.keys.get('ring');
    const r = e?.value.length ? decodeMessage(v1.KeyRingChanged, e.value, 'KeyRingChanged') : undefined;
    return r?.keys.length === 2 ? r : undefined;
  });
  assert.equal(Buffer.from(ring.keys[1]!.secret!).toString(), secret);
  sub.unsubscribe();
});

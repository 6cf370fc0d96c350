// Per-device enrolment end to end (issue 14): admin registers two devices, each with its own key; the
// QR code admin renders is read by a QR decoding library (jsqr through `sa-phone enrol`), and the
// enrolled phone talks to the real ingest over UDP and HTTP. Then an insider holding device A's key
// and the server key tries to move device B's calls: every packet is refused with its own reason and
// B's AstDB target on the AMI test server does not move. A server-key device (the original model)
// still routes calls, until the server keys are turned off for good.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PhoneClient, type RequestBody } from '@sa/phone-client';
import { type Enrolment, parseEnrolment } from '@sa/phone-protocol';
import { repoRoot, waitFor } from '@sa/testkit';
import { OFFICE_SCENARIO as O, provisionOfficeScenario, type Stack, startStack } from '../src/index.js';

const A = 'ENROLLEDA0000001';
const B = 'ENROLLEDB0000002';
const saPhoneBin = join(repoRoot, 'packages', 'phone-client', 'bin', 'sa-phone.js');
const workDir = mkdtempSync(join(tmpdir(), 'sa-e2e-enrol-'));
let stack: Stack;
const enrolment: Record<string, { payload: string; dataUrl: string; parsed: Enrolment }> = {};

function saPhone(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: workDir, SA_PHONE_STATE: join(workDir, 'b.json') };
  return new Promise((resolve) => {
    execFile(process.execPath, [saPhoneBin, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const udp = (identity: { deviceId: string; secret: string; keyId: number; ownKey?: boolean }) =>
  new PhoneClient(identity, { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' });
const ownPhone = (id: string) => {
  const e = enrolment[id]!.parsed;
  return udp({ deviceId: id, secret: e.secret, keyId: e.keyId, ownKey: true });
};
const target = () => stack.ami.dbGet('SMARTASSISTANT', `${O.extension}/target`);

async function rejected(reason: string): Promise<number> {
  const text = await (await fetch(`${stack.services.ingest.addresses.ops}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('sa_ingest_packets_rejected_total') && l.includes(`"${reason}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Sends `body` until ingest answers (the device's key reaches ingest through admin's outbox and KV). */
async function untilAnswered(phone: PhoneClient, body: RequestBody, what: string): Promise<void> {
  await waitFor(async () => (await phone.send(body, { timeoutMs: 300 })).replies.length === 1, {
    timeoutMs: 15_000,
    what,
  });
}

describe('per-device enrolment through admin, ingest, router and AstDB', () => {
  before(async () => {
    stack = await startStack();
    await provisionOfficeScenario(stack); // user 230 with Office/Conference scenarios, a server-key phone
    for (const [deviceId, extension] of [
      [A, '231'],
      [B, O.extension],
    ] as const) {
      const res = await stack.admin.request<{
        keyMode: string;
        enrolment: { payload: string; dataUrl: string };
      }>('POST', '/devices', { deviceId, extension });
      assert.equal(res.keyMode, 'device_key');
      enrolment[deviceId] = { ...res.enrolment, parsed: parseEnrolment(res.enrolment.payload) };
    }
  });
  after(async () => {
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  test("given B's QR code as admin rendered it, when sa-phone enrol reads the image, then it stores exactly the payload and pings ingest under B's own key over UDP and HTTP", async () => {
    const png = join(workDir, 'b.png');
    writeFileSync(png, Buffer.from(enrolment[B]!.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const enrol = await saPhone(['enrol', png]);
    assert.equal(enrol.code, 0, enrol.stderr);
    assert.equal(enrol.stdout.includes(enrolment[B]!.parsed.secret), false, 'the secret is not printed');
    const stored = JSON.parse(enrol.stdout) as { enrolment: Record<string, unknown> };
    assert.equal(stored.enrolment.deviceId, B);
    assert.equal(stored.enrolment.keyId, enrolment[B]!.parsed.keyId);
    // the stack's ingest listens on loopback ports the payload (PUBLIC_HOST/PORT) does not name
    const port = String(stack.ingestUdp.port);
    await waitFor(
      async () =>
        (await saPhone(['ping', '--host', stack.ingestUdp.host, '--port', port, '--timeout', '300'])).code ===
        0,
      { timeoutMs: 15_000, what: 'ingest to accept B under its own key over UDP' },
    );
    const overHttp = await saPhone(['ping', '--transport', 'http', '--url', `${stack.ingestHttp}/v1/phone`]);
    assert.equal(overHttp.code, 0, overHttp.stderr);
    assert.match(overHttp.stdout, /OK/);
  });

  test("given B at its desk, when an insider with A's key and the server key sends B's presence under A's key, under the server key, or inside A's own envelope, then each is refused with its reason and B's calls stay at the desk", async () => {
    const b = ownPhone(B);
    await untilAnswered(b, { ping: {} }, 'B accepted');
    await waitFor(
      async () => {
        await b.send({ presence: { connected: O.office, visible: [O.office] } }, { timeoutMs: 300 });
        return target() === O.dial.desk;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'B at the desk' },
    );
    const a = enrolment[A]!.parsed;
    await untilAnswered(ownPhone(A), { ping: {} }, 'A accepted');
    const conference = { presence: { connected: O.conference, visible: [O.conference] } };
    const before = {
      foreign: await rejected('foreign_key'),
      server: await rejected('server_key_refused'),
      mismatch: await rejected('device_mismatch'),
    };
    const attacks: Array<[string, PhoneClient, RequestBody]> = [
      [
        "B's id under A's key",
        udp({ deviceId: B, secret: a.secret, keyId: a.keyId, ownKey: true }),
        conference,
      ],
      ["B's id under the server key", udp({ deviceId: B, secret: O.serverKey, keyId: O.keyId }), conference],
      ["B's id inside A's envelope", ownPhone(A), { ...conference, deviceId: B } as RequestBody],
    ];
    for (const [what, phone, body] of attacks) {
      const sent = await phone.send(body, { timeoutMs: 400 });
      assert.equal(sent.replies.length, 0, `${what}: no reply`);
    }
    await waitFor(async () => (await rejected('device_mismatch')) === before.mismatch + 1, {
      timeoutMs: 5000,
      what: 'the rejections counted',
    });
    assert.equal(await rejected('foreign_key'), before.foreign + 1);
    assert.equal(await rejected('server_key_refused'), before.server + 1);
    // nothing of the attack reached router: a full second later B's calls still go to the desk
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(target(), O.dial.desk);
    const ops = stack.services.router.addresses.ops!;
    const why = JSON.stringify(await (await fetch(`${ops}/decisions/${O.extension}`)).json());
    assert.doesNotMatch(why, /Conference/);
  });

  test('given the server-key phone of the original model, then it still moves calls; once the server keys are turned off, it is refused and the calls stay', async () => {
    const serverKeyPhone = udp({ deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId });
    await waitFor(
      async () => {
        await serverKeyPhone.send(
          { presence: { connected: O.conference, visible: [O.conference] } },
          { timeoutMs: 300 },
        );
        return target() === O.dial.conference;
      },
      {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: 'the server-key phone moves the calls to the conference room',
      },
    );
    const off = await stack.admin.request<{ serverKeysDisabled: boolean; devicesOnServerKey: number }>(
      'POST',
      '/keys/server-keys/disable',
      { confirm: 'turn off server keys', force: true },
    );
    assert.deepEqual(off, { serverKeysDisabled: true, devicesOnServerKey: 1 });
    const refusedBefore = await rejected('server_key_refused');
    await waitFor(
      async () => (await serverKeyPhone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 0,
      { timeoutMs: 15_000, what: 'ingest to refuse the server key' },
    );
    const sent = await serverKeyPhone.send(
      { presence: { connected: O.office, visible: [O.office] } },
      { timeoutMs: 400 },
    );
    assert.equal(sent.replies.length, 0);
    assert.ok((await rejected('server_key_refused')) >= refusedBefore + 2);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(target(), O.dial.conference, 'the refused report moved nothing');
    // enrolled devices keep working
    assert.equal((await ownPhone(A).send({ ping: {} }, { timeoutMs: 1000 })).replies.length, 1);
  });
});

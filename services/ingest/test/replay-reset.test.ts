// admin's reset of a device's replay state, answered by the real ingest over NATS against real Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PhoneClient } from '@sa/phone-client';
import { decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

describe('replay state reset (admin -> ingest request/reply)', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;

  const phone = () =>
    new PhoneClient(
      { deviceId: 'dev-reset', secret: '1234567890123456', keyId: 1 },
      { host: '127.0.0.1', port: ingest.port, transport: 'udp' },
    );
  const reset = async (deviceId: string) => {
    const msg = await fx.nc.request(
      fx.names.replayReset,
      encodeMessage(v1.ReplayResetRequest, { deviceId, requestedBy: 'admin' }, 'ReplayResetRequest'),
      { timeout: 2000 },
    );
    const r = decodeMessage(v1.ReplayResetReply, msg.data, 'ReplayResetReply');
    return {
      ok: r.ok,
      errorCode: r.errorCode,
      hadState: r.hadState,
      highestCounter: Number(r.highestCounter),
    };
  };

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'dev-reset' });
    ingest = await fx.startInstance();
  });
  after(() => fx.close());

  it('given a device whose highest counter is ahead of its clock, when admin resets it, then its next packet is accepted while a recently accepted packet is still a replay', async () => {
    // a phone whose clock ran 100 s fast, then was corrected: its counters fall below H - W
    const ahead = Date.now() + 100_000;
    const client = phone();
    const sealed = client.seal({ ping: {} }, { counter: ahead });
    const first = await client.send({ ping: {} }, { counter: ahead, mutate: () => sealed.packet });
    assert.equal(first.replies.length, 1, 'the fast counter is within the bound and accepted');
    const before = await ingest.rejected('replay');
    assert.equal((await phone().send({ ping: {} }, { timeoutMs: 300 })).replies.length, 0);
    await eventually(async () => (await ingest.rejected('replay')) > before, 3000, 'locked out: replay');

    assert.deepEqual(await reset('dev-reset'), {
      ok: true,
      errorCode: '',
      hadState: true,
      highestCounter: ahead,
    });
    assert.equal((await phone().send({ ping: {} })).replies.length, 1, 'answered again after the reset');
    const replays = await ingest.rejected('replay');
    await phone().send({ ping: {} }, { timeoutMs: 300, mutate: () => sealed.packet });
    await eventually(async () => (await ingest.rejected('replay')) > replays, 3000, 'old packet: replay');
    const line = ingest.logLines.map((l) => JSON.parse(l)).find((l) => l.event === 'replay_state_reset');
    assert.equal(line.deviceId, 'dev-reset');
    assert.equal(line.requestedBy, 'admin');
  });

  it('given a device ingest never heard from, when reset, then ok without state', async () => {
    assert.deepEqual(await reset('dev-silent'), {
      ok: true,
      errorCode: '',
      hadState: false,
      highestCounter: 0,
    });
  });

  it('given a device id with a brace (not a device id, and not a safe Redis hash tag), when reset, then INGEST_REQUEST_INVALID', async () => {
    const r = await reset('x}{y');
    assert.equal(r.ok, false);
    assert.equal(r.errorCode, 'INGEST_REQUEST_INVALID');
  });
});

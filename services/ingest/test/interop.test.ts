// The reference client and ingest talk over real UDP and HTTP, through real NATS and Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { PhoneClient } from '@sa/phone-client';
import { decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

describe('ingest with the reference client', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;
  const phone = (transport: 'udp' | 'http', deviceId = 'dev-1') =>
    new PhoneClient(
      { deviceId, secret: '1234567890123456', keyId: 1 },
      { host: '127.0.0.1', port: ingest.port, transport },
    );

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'dev-1', extension: '201' });
    ingest = await fx.startInstance();
  });
  after(() => fx.close());

  for (const transport of ['udp', 'http'] as const) {
    it(`given a registered device, when it pings over ${transport}, then the reply carries tier and permissions`, async () => {
      const r = await phone(transport).send({ ping: {} });
      assert.equal(r.replies.length, 1);
      assert.equal(r.replies[0]!.status, v1.ReplyStatus.REPLY_STATUS_OK);
      assert.equal(r.replies[0]!.tier, v1.Tier.TIER_STANDARD);
      assert.equal(r.replies[0]!.permissions?.genericDestinations, true);
      if (transport === 'udp') assert.ok(r.rawReplies[0]!.length <= r.packet.length);
    });

    it(`given presence over ${transport}, when accepted, then PresenceReported is on the stream with the msg id`, async () => {
      const client = phone(transport);
      const r = await client.send({
        presence: { connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -50 }, batteryPct: 77 },
      });
      assert.equal(r.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
      const jsm = await jetstreamManager(fx.nc);
      const msg = await jsm.streams.getMessage(fx.names.phoneStream, {
        last_by_subj: fx.names.presence('201'),
      });
      assert.ok(msg);
      const event = decodeMessage(v1.PresenceReported, msg.data, 'PresenceReported');
      assert.equal(event.deviceId, 'dev-1');
      assert.equal(Number(event.counter), r.counter);
      assert.equal(event.connected?.ssid, 'Office');
      assert.equal(event.batteryPct, 77);
      assert.equal(event.sourceIp, '127.0.0.1');
      assert.equal(msg.header?.get('Nats-Msg-Id'), `dev-1:${r.counter}`);
    });
  }

  it('given a scenario choice, when accepted, then ScenarioChosen is published on the choice subject', async () => {
    const r = await phone('udp').send({ chooseScenario: { scenarioId: 'home', expiresAtMs: 5 } });
    assert.equal(r.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_OK);
    const jsm = await jetstreamManager(fx.nc);
    const msg = await jsm.streams.getMessage(fx.names.phoneStream, { last_by_subj: fx.names.choice('201') });
    assert.equal(decodeMessage(v1.ScenarioChosen, msg!.data, 'ScenarioChosen').scenarioId, 'home');
  });

  it('given admin answers targets, when the phone lists them over UDP, then a page that fits comes back', async () => {
    const targets = Array.from({ length: 60 }, (_, i) => ({
      id: `t${i}`,
      name: `Target number ${i}`,
      dial: `${300 + i}`,
    }));
    let asked: InstanceType<typeof v1.PhoneTargetsRequest> | undefined;
    const sub = fx.nc.subscribe(fx.names.phoneTargets, {
      callback: (_err, msg) => {
        asked = v1.PhoneTargetsRequest.decode(msg.data);
        const reply = v1.PhoneTargetsReply.create({
          ok: true,
          tier: v1.Tier.TIER_PREMIUM,
          permissions: { createTargets: true },
          targets,
        });
        msg.respond(encodeMessage(v1.PhoneTargetsReply, reply, 'PhoneTargetsReply'));
      },
    });
    try {
      const r = await phone('udp').send({ listTargets: {} });
      const reply = r.replies[0]!;
      assert.equal(asked?.extension, '201');
      assert.equal(reply.tier, v1.Tier.TIER_PREMIUM);
      assert.equal(reply.targetsTotal, 60);
      assert.equal(reply.truncated, true);
      assert.ok(reply.targets.length > 5 && reply.targets.length < 60);
      assert.ok(r.rawReplies[0]!.length <= r.packet.length);
      const next = await phone('http').send({ listTargets: { offset: reply.targets.length } });
      assert.equal(next.replies[0]!.targets[0]!.id, targets[reply.targets.length]!.id);
    } finally {
      sub.unsubscribe();
    }
  });

  it('given admin does not answer, when the phone creates a target, then the reply is UNAVAILABLE', async () => {
    const r = await phone('http').send({ createTarget: { name: 'x', dial: '1' } }, { timeoutMs: 5000 });
    assert.equal(r.replies[0]?.status, v1.ReplyStatus.REPLY_STATUS_UNAVAILABLE);
  });

  it('given the default key and an empty key bucket, when readiness is read, then it warns', async () => {
    assert.equal(ingest.app.readiness().defaultKeyInUse, true);
    const res = await fetch(`${ingest.app.addresses().ops}/readyz`);
    const body = (await res.json()) as { details: { defaultKeyInUse: boolean } };
    assert.equal(body.details.defaultKeyInUse, true);
    assert.ok(ingest.logLines.some((l) => l.includes('"event":"default_key_in_use"')));
    await eventually(
      () => ingest.logLines.some((l) => l.includes('"event":"listening"')),
      1000,
      'listening line',
    );
  });
});

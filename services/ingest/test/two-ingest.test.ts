// Issue 18: two ingest processes behind one UDP address (a balancer: Node's dgram cannot share a port
// with SO_REUSEPORT), sharing the replay state in Redis. The testkit balancer sends every datagram to
// the next instance in turn, so one phone's reports alternate between the two: all are accepted and
// published in order, and a packet one instance accepted is refused as a replay by the other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { PhoneClient } from '@sa/phone-client';
import { decodeMessage, v1 } from '@sa/proto';
import { type ServiceProcess, startService, startUdpBalancer, type UdpBalancer, waitFor } from '@sa/testkit';
import { IngestFixture, NATS_URL, REDIS_URL } from '../src/test-support/ingest-fixture.js';

const DEVICE = 'dev-two-ingest';
const REPORTS = 10;

/** `host:port` of a listening line's `udp` field (`udp://127.0.0.1:41234` or `127.0.0.1:41234`). */
function udpEndpoint(ingest: ServiceProcess): { host: string; port: number } {
  const match = /(\d+\.\d+\.\d+\.\d+):(\d+)/.exec(ingest.addresses.udp ?? '');
  assert.ok(match, `udp address in ${JSON.stringify(ingest.addresses)}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

/** A counter of an instance's /metrics (sum over its series, or the one with `reason`). */
async function metric(ingest: ServiceProcess, name: string, reason?: string): Promise<number> {
  const text = await (await fetch(`${ingest.addresses.ops}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && (!reason || l.includes(`reason="${reason}"`)))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('two ingest processes behind one UDP balancer, one replay state (issue 18)', () => {
  let fx: IngestFixture;
  const instances: ServiceProcess[] = [];
  let balancer: UdpBalancer;

  const phone = (port: number) =>
    new PhoneClient(
      { deviceId: DEVICE, secret: '1234567890123456', keyId: 1 },
      { host: '127.0.0.1', port, transport: 'udp' },
    );
  const report = (ssid: string) => ({ presence: { connected: { ssid, bssid: 'aa:bb:cc:00:00:01' } } });
  const accepted = (i: number) => metric(instances[i] as ServiceProcess, 'sa_ingest_packets_accepted_total');
  const replays = (i: number) =>
    metric(instances[i] as ServiceProcess, 'sa_ingest_packets_rejected_total', 'replay');

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: DEVICE });
    const env = {
      NATS_URL,
      REDIS_URL,
      SA_BUS_PREFIX: fx.prefix,
      REDIS_KEY_PREFIX: fx.redisPrefix,
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: '0',
      // every report is published (no router here to mark unchanged ones quiet)
      QUIET_PRESENCE: 'false',
    };
    for (let i = 0; i < 2; i++) instances.push(await startService('ingest', { env, timeoutMs: 30_000 }));
    balancer = await startUdpBalancer(instances.map(udpEndpoint));
  });

  after(async () => {
    await balancer?.close();
    await Promise.all(instances.map((i) => i.stop()));
    await fx?.close();
  });

  it('given one phone whose reports alternate between the two instances, then every report is answered, each instance accepted half, and the stream has them all in the order sent', async () => {
    const client = phone(balancer.port);
    const counters: number[] = [];
    for (let n = 0; n < REPORTS; n++) {
      const sent = await client.send(report(`Office-${n}`));
      assert.equal(
        sent.replies.length,
        1,
        `report ${n} answered (through instance ${balancer.lastBackend + 1})`,
      );
      counters.push(sent.counter);
    }
    assert.deepEqual(balancer.forwarded, [REPORTS / 2, REPORTS / 2]);
    assert.deepEqual(await Promise.all([accepted(0), accepted(1)]), [REPORTS / 2, REPORTS / 2]);

    const jsm = await jetstreamManager(fx.nc);
    const stored = await waitFor(
      async () => {
        const { messages, first_seq: first } = (await jsm.streams.info(fx.names.phoneStream)).state;
        return messages >= REPORTS ? first : undefined;
      },
      { what: `${REPORTS} reports in ${fx.names.phoneStream}` },
    );
    const published = [];
    for (let seq = stored; seq < stored + REPORTS; seq++) {
      const msg = await jsm.streams.getMessage(fx.names.phoneStream, { seq });
      assert.ok(msg, `message ${seq}`);
      published.push(decodeMessage(v1.PresenceReported, msg.data, 'PresenceReported'));
    }
    assert.deepEqual(
      published.map((p) => [Number(p.counter), p.connected?.ssid]),
      counters.map((c, n) => [c, `Office-${n}`]),
    );
  });

  it('given a packet one instance accepted, when it is replayed to the other (directly, or through the balancer), then it is refused as a replay and gets no reply', async () => {
    const client = phone(balancer.port);
    const first = await client.send(report('Meeting'));
    assert.equal(first.replies.length, 1);
    const acceptedBy = balancer.lastBackend;
    const other = 1 - acceptedBy;

    const before = await replays(other);
    const direct = phone(udpEndpoint(instances[other] as ServiceProcess).port);
    const replayed = await direct.send(report('Meeting'), {
      counter: first.counter,
      mutate: () => first.packet,
      timeoutMs: 500,
    });
    assert.equal(replayed.rawReplies.length, 0, 'no reply to a replay');
    await waitFor(async () => (await replays(other)) > before, {
      timeoutMs: 3000,
      what: `instance ${other + 1} to count the replay`,
    });

    // through the balancer: whichever instance it reaches, the counter is spent
    const total = async () => (await replays(0)) + (await replays(1));
    const beforeBoth = await total();
    const again = await client.send(report('Meeting'), {
      counter: first.counter,
      mutate: () => first.packet,
      timeoutMs: 500,
    });
    assert.equal(again.rawReplies.length, 0);
    await waitFor(async () => (await total()) > beforeBoth, { timeoutMs: 3000, what: 'the replay counted' });
  });
});

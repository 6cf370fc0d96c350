import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensurePhoneStream } from '@sa/platform';
import { busNames, v1 } from '@sa/proto';
import { waitFor } from '@sa/testkit';
import { IngestError } from '../../errors.js';
import { ackFailure, ackSeq, NatsPhoneEventPublisher } from './phone-publisher.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Every message on `subject`, as it arrives. */
function collect(nc: NatsConnection, subject: string): { subject: string; data: Uint8Array }[] {
  const got: { subject: string; data: Uint8Array }[] = [];
  nc.subscribe(subject, {
    callback: (_err, m) => {
      got.push({ subject: m.subject, data: m.data });
    },
  });
  return got;
}

const presence = (i: number) =>
  v1.PresenceReported.create({
    deviceId: `d${i}`,
    extension: '201',
    counter: i,
    sentAtMs: 1,
    receivedAtMs: 1,
  });

describe('NatsPhoneEventPublisher', () => {
  const names = busNames(`t_${randomBytes(4).toString('hex')}`);
  let nc: NatsConnection;

  before(async () => {
    nc = await connect({ servers: NATS_URL });
    await ensurePhoneStream(nc, names);
  });
  after(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(names.phoneStream).catch(() => {});
    await nc.close();
  });

  it('given 4 slots in flight, when 300 events are published at once, then every one resolves and is stored once, duplicates by message id included', async () => {
    const publisher = new NatsPhoneEventPublisher(nc, names, {
      maxInFlight: 4,
      maxQueued: 1000,
      timeoutMs: 5000,
    });
    const sends = Array.from({ length: 300 }, (_, i) =>
      publisher.presenceReported(presence(i), `d${i}:${i}`),
    );
    await Promise.all(sends);
    await publisher.presenceReported(presence(7), 'd7:7'); // same message id: deduplicated, still acked
    assert.equal(publisher.pending, 0);
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info(names.phoneStream)).state.messages, 300);
    assert.equal(publisher.unstoredCopies, 0, 'stored events are not copied');
    publisher.close();
  });

  it('given a full queue, when one more event is published, then it fails as overloaded without waiting', async () => {
    const publisher = new NatsPhoneEventPublisher(nc, names, {
      maxInFlight: 1,
      maxQueued: 1,
      timeoutMs: 5000,
    });
    const first = publisher.presenceReported(presence(1000), 'a:1');
    const second = publisher.presenceReported(presence(1001), 'a:2');
    await assert.rejects(publisher.presenceReported(presence(1002), 'a:3'), (err: unknown) => {
      return err instanceof IngestError && err.code === 'INGEST_PUBLISH_OVERLOADED';
    });
    await Promise.all([first, second]);
    publisher.close();
  });

  it('given no stream listens on the subject, when an event is published, then it fails as not acknowledged and its unstored copy goes out on core NATS', async () => {
    const other = busNames(`t_${randomBytes(4).toString('hex')}`);
    const copies = collect(nc, other.unstoredAll);
    await nc.flush();
    const publisher = new NatsPhoneEventPublisher(nc, other, {
      maxInFlight: 4,
      maxQueued: 4,
      timeoutMs: 3000,
    });
    await assert.rejects(publisher.presenceReported(presence(1), 'b:1'), (err: unknown) => {
      return err instanceof IngestError && err.code === 'INGEST_PUBLISH_FAILED';
    });
    await waitFor(() => copies.length === 1, { what: 'the unstored copy' });
    assert.equal(copies[0]!.subject, other.unstored(other.presence('201')));
    assert.equal(v1.PresenceReported.decode(copies[0]!.data).deviceId, 'd1');
    publisher.close();
  });

  it('given a stream that answers nothing (as while it elects a leader), when events are published, then each is copied once after the stall window, and still fails at its timeout', async () => {
    const stalled = busNames(`t_${randomBytes(4).toString('hex')}`);
    // interest without replies: no "no responders", no ack
    const silentStream = nc.subscribe(stalled.presence('201'));
    const copies = collect(nc, stalled.unstoredAll);
    await nc.flush();
    const publisher = new NatsPhoneEventPublisher(nc, stalled, {
      maxInFlight: 8,
      maxQueued: 8,
      timeoutMs: 1500,
    });
    const sentAt = Date.now();
    const sends = [1, 2, 3].map((i) => publisher.presenceReported(presence(i), `c:${i}`));
    await waitFor(() => copies.length === 3, { intervalMs: 5, what: 'three unstored copies' });
    const copiedAfterMs = Date.now() - sentAt;
    assert.ok(copiedAfterMs >= 200 && copiedAfterMs < 1000, `copied ${copiedAfterMs} ms after sending`);
    assert.deepEqual(
      copies.map((c) => v1.PresenceReported.decode(c.data).deviceId),
      ['d1', 'd2', 'd3'],
    );
    for (const send of sends)
      await assert.rejects(send, /not acknowledged|ack timeout|INGEST_PUBLISH_FAILED/);
    await nc.flush();
    assert.equal(copies.length, 3, 'copied once, not again at the timeout');
    assert.equal(publisher.unstoredCopies, 3);
    silentStream.unsubscribe();
    publisher.close();
  });

  it('given ack payloads, when classified, then only a PubAck with a stream counts as stored', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(ackFailure(enc('{"stream":"sa_phone","seq":5}'), 0), null);
    assert.equal(ackFailure(enc('{"stream":"sa_phone","seq":5,"duplicate":true}'), 0), null);
    assert.equal(
      ackFailure(enc('{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}}'), 0),
      'maximum messages exceeded',
    );
    assert.equal(ackFailure(new Uint8Array(0), 503), 'no responders (stream missing)');
    assert.equal(ackFailure(enc('garbage'), 0), 'invalid ack');
    // the stream sequence that stores it (a duplicate's is the original's)
    assert.equal(ackSeq(enc('{"stream":"sa_phone","seq":5}')), 5);
    assert.equal(
      ackSeq(enc('{"stream":"sa_phone","domain":"hub","seq":123456789,"duplicate":true}')),
      123456789,
    );
    assert.equal(ackSeq(enc('{"stream":"sa_phone"}')), 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommittedAcks } from './committed-acks.js';
import type { StreamMessage } from './stall-reader.js';

/** stream messages whose acks are recorded by sequence in `acked` */
function stream() {
  const acked: number[] = [];
  const msg = (seq: number, direct?: StreamMessage['direct']): StreamMessage => ({
    subject: `p.${seq}`,
    data: new Uint8Array(),
    seq,
    direct,
    ack: () => {
      if (!direct) acked.push(seq);
    },
  });
  return { acked, msg };
}

// maxAckPending 4: every committed message reaches a quarter of it, so acks go out at once
const AT_ONCE = { maxAckPending: 4, ackWaitMs: 60_000 };

describe('CommittedAcks', () => {
  it('given a batch whose last message was read directly, then it is acknowledged through the last message the durable delivered', () => {
    const { acked, msg } = stream();
    const acks = new CommittedAcks(AT_ONCE);
    acks.committed([msg(5), msg(6), msg(7, 'stall')]);
    acks.committed([msg(3, 'replay')]); // nothing of the durable: no ack
    assert.deepEqual(acked, [6]);
  });

  it('given acks held for a replay up to 10, when the durable commits newer messages, then none is acknowledged until the replay commits through 10', () => {
    const { acked, msg } = stream();
    const acks = new CommittedAcks(AT_ONCE);
    acks.holdUntilReplayed(10);
    acks.committed([msg(11)]);
    acks.committed([msg(8, 'replay'), msg(12)]);
    assert.deepEqual(acked, [], 'AckAll of 11 or 12 would acknowledge 9 and 10 unseen');
    acks.committed([msg(9, 'replay'), msg(10, 'replay')]);
    assert.deepEqual(acked, [12]);
    acks.stop();
  });

  it('given acks held for a replay that never comes, when ack_wait has passed, then they are acknowledged', async () => {
    const { acked, msg } = stream();
    const acks = new CommittedAcks({ maxAckPending: 4, ackWaitMs: 30 });
    acks.holdUntilReplayed(10);
    acks.committed([msg(11)]);
    assert.deepEqual(acked, []);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(acked, [11]);
  });

  it('given acks held, when the partition stops, then nothing is acknowledged (the next run reads from the ack floor)', async () => {
    const { acked, msg } = stream();
    const acks = new CommittedAcks({ maxAckPending: 4, ackWaitMs: 30 });
    acks.holdUntilReplayed(10);
    acks.committed([msg(11)]);
    acks.stop();
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(acked, []);
  });

  it('given small batches, then they are acknowledged together after a short delay, through the latest', async () => {
    const { acked, msg } = stream();
    const acks = new CommittedAcks({ maxAckPending: 1000, ackWaitMs: 60_000 });
    acks.committed([msg(1)]);
    acks.committed([msg(2)]);
    assert.deepEqual(acked, []);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(acked, [2]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PhoneEventPublisher, PresenceReported } from '../domain/ports.js';
import { InFlightPublishes } from './in-flight-publishes.js';

/** a publisher whose acks the test hands out */
function heldPublisher() {
  const acks: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  const publish = () =>
    new Promise<number>((resolve, reject) => void acks.push({ resolve: () => resolve(1), reject }));
  const inner: PhoneEventPublisher = {
    presenceReported: publish,
    scenarioChosen: async () => void (await publish()),
  };
  return { acks, publisher: new InFlightPublishes(inner) };
}

const event = {} as PresenceReported;

describe('InFlightPublishes', () => {
  it('given nothing in flight, when drained, then it resolves at once', async () => {
    const { publisher } = heldPublisher();
    const started = performance.now();
    await publisher.drain(5000);
    assert.ok(performance.now() - started < 100);
  });

  it('given two publishes in flight, when one is acked and one fails, then drain resolves after the last', async () => {
    const { acks, publisher } = heldPublisher();
    const first = publisher.presenceReported(event, 'a');
    const second = publisher.presenceReported(event, 'b');
    let drained = false;
    const drain = publisher.drain(5000).then(() => {
      drained = true;
    });
    acks[0]!.resolve();
    await first;
    await new Promise((r) => setImmediate(r));
    assert.equal(drained, false);
    acks[1]!.reject(new Error('nack'));
    await assert.rejects(second, /nack/); // the caller still sees the outcome
    await drain;
    assert.equal(drained, true);
  });

  it('given a publish that is never acked, when drained, then it resolves after the bound', async () => {
    const { publisher } = heldPublisher();
    void publisher.presenceReported(event, 'a');
    const started = performance.now();
    await publisher.drain(50);
    assert.ok(performance.now() - started >= 45);
  });
});

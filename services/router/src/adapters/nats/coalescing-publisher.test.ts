import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoalescingPublisher } from './coalescing-publisher.js';

const bytes = (s: string) => new TextEncoder().encode(s);

test('given publishes from separate promise continuations in one turn, then they reach the connection together, in order, after the turn', async () => {
  const flushes: string[][] = [];
  let current: string[] | null = null;
  const nc = {
    publish(subject: string) {
      if (!current) {
        current = [];
        flushes.push(current);
        queueMicrotask(() => {
          current = null;
        });
      }
      current.push(subject);
    },
  };
  const out = new CoalescingPublisher(nc);
  await Promise.all(
    ['a', 'b', 'c'].map(async (s, i) => {
      for (let k = 0; k < i; k++) await Promise.resolve();
      out.publish(s, bytes(s));
    }),
  );
  assert.deepEqual(flushes, []);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(flushes, [['a', 'b', 'c']]);
});

test('given the connection refuses a publish, then only that publish reports the error', async () => {
  const errors: string[] = [];
  const sent: string[] = [];
  const out = new CoalescingPublisher({
    publish(subject: string, _d?: Uint8Array, opts?: { reply?: string }) {
      if (subject === 'bad') throw new Error('closed');
      sent.push(`${subject}:${opts?.reply ?? ''}`);
    },
  });
  out.publish('ok', bytes('1'), 'inbox.1', (e) => errors.push(`ok ${e.message}`));
  out.publish('bad', bytes('2'), 'inbox.2', (e) => errors.push(`bad ${e.message}`));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, ['ok:inbox.1']);
  assert.deepEqual(errors, ['bad closed']);
});

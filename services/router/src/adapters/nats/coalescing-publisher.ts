// Publishes queued during one event-loop turn go out together at its end: the NATS client writes
// to the socket once per microtask checkpoint that follows a publish, so publishes made from many
// separate promise continuations (one per AstDB write completing) each cost a socket write. The
// queue is flushed in setImmediate: one write per turn, at most one turn of added latency.
import type { NatsConnection } from '@sa/platform';

interface Queued {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply: string | undefined;
  readonly onError: ((err: Error) => void) | undefined;
}

export class CoalescingPublisher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly nc: Pick<NatsConnection, 'publish'>) {}

  publish(subject: string, data: Uint8Array, reply?: string, onError?: (err: Error) => void): void {
    this.queue.push({ subject, data, reply, onError });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    for (const m of q) {
      try {
        this.nc.publish(m.subject, m.data, m.reply ? { reply: m.reply } : undefined);
      } catch (err) {
        m.onError?.(err as Error);
      }
    }
  }
}

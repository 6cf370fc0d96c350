// The notifier: the only code that knows phone-stream subjects. Publishes are asynchronous with a
// bounded number awaiting their JetStream ack; beyond it callers queue, and beyond the queue fail.
import type { JetStreamClient } from '@nats-io/jetstream';
import { type BusNames, encodeMessage, v1 } from '@sa/proto';
import type { PhoneEventPublisher, PresenceReported, ScenarioChosen } from '../../domain/ports.js';
import { IngestError } from '../../errors.js';

export interface PublisherOptions {
  readonly maxInFlight: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
}

export class NatsPhoneEventPublisher implements PhoneEventPublisher {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly names: BusNames,
    private readonly options: PublisherOptions,
  ) {}

  presenceReported(event: PresenceReported, msgId: string): Promise<void> {
    const data = encodeMessage(v1.PresenceReported, event, 'PresenceReported');
    return this.publish(this.names.presence(event.extension), data, msgId);
  }

  scenarioChosen(event: ScenarioChosen, msgId: string): Promise<void> {
    const data = encodeMessage(v1.ScenarioChosen, event, 'ScenarioChosen');
    return this.publish(this.names.choice(event.extension), data, msgId);
  }

  get pending(): number {
    return this.inFlight + this.waiting.length;
  }

  private async publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    if (this.inFlight >= this.options.maxInFlight) {
      if (this.waiting.length >= this.options.maxQueued) {
        throw new IngestError('INGEST_PUBLISH_OVERLOADED', { subject });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
    try {
      await this.js.publish(subject, data, { msgID: msgId, timeout: this.options.timeoutMs });
    } catch (cause) {
      throw new IngestError('INGEST_PUBLISH_FAILED', { subject }, { cause });
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}

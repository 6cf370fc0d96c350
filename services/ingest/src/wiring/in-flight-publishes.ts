// Counts the publishes still waiting for their stream ack, so stop can wait for exactly those
// (accepted packets get their ack) instead of polling the publisher's queue on a timer.
import type { PhoneEventPublisher, PresenceReported, ScenarioChosen } from '../domain/ports.js';

export class InFlightPublishes implements PhoneEventPublisher {
  private count = 0;
  private onIdle: (() => void) | undefined;

  constructor(private readonly inner: PhoneEventPublisher) {}

  presenceReported(event: PresenceReported, msgId: string): Promise<number> {
    return this.track(this.inner.presenceReported(event, msgId));
  }

  scenarioChosen(event: ScenarioChosen, msgId: string): Promise<void> {
    return this.track(this.inner.scenarioChosen(event, msgId));
  }

  /** Resolves once every publish made so far has settled, or after `maxWaitMs`, whichever is first. */
  drain(maxWaitMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.onIdle = done;
    });
  }

  private track<T>(publish: Promise<T>): Promise<T> {
    this.count++;
    publish.then(this.settled, this.settled); // the caller handles the outcome; this only counts it
    return publish;
  }

  private readonly settled = (): void => {
    if (--this.count === 0) this.onIdle?.();
  };
}

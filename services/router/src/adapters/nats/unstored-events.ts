// ingest's unstored copies (BusNames.unstored): phone events the stream did not acknowledge, sent on
// core NATS while it cannot store them (a NATS node died and the stream elects a leader). Router
// applies those of the users it owns at once, batched per event-loop turn, instead of after the
// stream's and its consumers' elections. Each carries its device's counter like any report, so the
// stored copy that comes later through the stream (the phone sends its report again until it is
// stored) is a no-op. Best effort: a copy lost or not applied leaves only what the stream brings.
import type { Logger, NatsConnection } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import type { RouterEvent } from '../../domain/types.js';
import { PhoneEventGrouper, type PhoneMessage } from './phone-events.js';

export function followUnstoredEvents(d: {
  readonly nc: NatsConnection;
  readonly names: BusNames;
  /** users of the partitions this router owns now */
  readonly owns: (extension: string) => boolean;
  readonly apply: (batch: Map<string, RouterEvent[]>) => Promise<void>;
  /** events applied (sa_router_unstored_events_total) */
  readonly onApplied: (events: number) => void;
  readonly logger: Logger;
}): () => void {
  const grouper = new PhoneEventGrouper(d.names, d.owns, (m, err) =>
    d.logger.warn({ subject: m.subject, err }, 'undecodable unstored phone event skipped'),
  );
  let pending: PhoneMessage[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = grouper.group(pending);
    pending = [];
    if (batch.size === 0) return;
    let events = 0;
    for (const list of batch.values()) events += list.length;
    d.apply(batch).then(
      () => d.onApplied(events),
      (err) =>
        d.logger.warn({ err, events }, 'unstored phone events not applied (the stream brings them again)'),
    );
  };
  const sub = d.nc.subscribe(d.names.unstoredAll, {
    callback: (_err, m) => {
      pending.push({ subject: d.names.storedSubjectOf(m.subject), data: m.data });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  });
  return () => sub.unsubscribe();
}

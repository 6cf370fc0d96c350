// Phone events as router reads them, from the phone stream (phone-consumer.ts) or from ingest's
// unstored copies (unstored-events.ts): the user is the subject's last token, the payload a
// PresenceReported or a ScenarioChosen. Events are grouped per user, in arrival order.
import { type BusNames, decodeMessage, v1 } from '@sa/proto';
import type { RouterEvent } from '../../domain/types.js';
import { toChoiceEvent, toPresenceEvent } from './proto-mapping.js';

export interface PhoneMessage {
  /** a phone-stream subject */
  readonly subject: string;
  readonly data: Uint8Array;
}

export class PhoneEventGrouper {
  private readonly presenceSubject: string;
  private readonly choiceSubject: string;

  constructor(
    names: BusNames,
    /** a user whose events are skipped (another partition's) without decoding them */
    private readonly keep: (extension: string) => boolean,
    private readonly onUndecodable: (message: PhoneMessage, err: unknown) => void,
  ) {
    this.presenceSubject = names.presence('X').slice(0, -1);
    this.choiceSubject = names.choice('X').slice(0, -1);
  }

  group(messages: Iterable<PhoneMessage>): Map<string, RouterEvent[]> {
    const byUser = new Map<string, RouterEvent[]>();
    for (const m of messages) {
      const isPresence = m.subject.startsWith(this.presenceSubject);
      const ext = m.subject.slice((isPresence ? this.presenceSubject : this.choiceSubject).length);
      if (!this.keep(ext)) continue;
      let event: RouterEvent;
      try {
        event = isPresence
          ? toPresenceEvent(decodeMessage(v1.PresenceReported, m.data, 'PresenceReported'))
          : toChoiceEvent(decodeMessage(v1.ScenarioChosen, m.data, 'ScenarioChosen'));
      } catch (err) {
        this.onUndecodable(m, err);
        continue;
      }
      const list = byUser.get(ext);
      if (list) list.push(event);
      else byUser.set(ext, [event]);
    }
    return byUser;
  }
}

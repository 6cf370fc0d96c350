// Answers admin's DecisionQuery (names.decisionQuery, queue group "router"): where a user's calls go
// now and why, the same `current` the ops route GET /decisions/:ext shows. Any instance may answer:
// the state is read from Redis, not from a partition this instance owns.
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { Decision } from '../../domain/types.js';
import { decisionFields } from './proto-mapping.js';

/** The user's decision now, or null when router knows neither rules nor state for them. */
export type CurrentDecision = (extension: string) => Promise<Decision | null>;

export function answerDecisionQueries(
  nc: NatsConnection,
  names: BusNames,
  current: CurrentDecision,
  logger: Logger,
): () => void {
  const sub = nc.subscribe(names.decisionQuery, {
    queue: 'router',
    callback: (_err, m) => void answer(m, current, logger),
  });
  return () => sub.unsubscribe();
}

async function answer(
  m: { data: Uint8Array; respond(data: Uint8Array): boolean },
  current: CurrentDecision,
  logger: Logger,
): Promise<void> {
  let reply: InstanceType<typeof v1.DecisionAnswer>;
  try {
    const query = decodeMessage(v1.DecisionQuery, m.data, 'DecisionQuery');
    const d = await current(query.extension ?? '');
    reply = v1.DecisionAnswer.create(d ? { found: true, ...decisionFields(d) } : { found: false });
  } catch (err) {
    // no answer at all: admin falls back to the decision router last announced
    logger.warn({ err }, 'decision query not answered');
    return;
  }
  m.respond(encodeMessage(v1.DecisionAnswer, reply, 'DecisionAnswer'));
}

// ingest's error catalogue: every code, its message and (for HTTP) its status.
import { AppError, defineErrors } from '@sa/platform';

export const INGEST_ERRORS = defineErrors('INGEST', {
  INGEST_LISTEN_PORT_BUSY: { text: 'UDP and HTTP could not both bind the same port number', status: 500 },
  INGEST_SNAPSHOT_BAD_VALUE: { text: 'a KV snapshot entry could not be decoded', status: 500 },
  INGEST_REPLAY_STORE_UNAVAILABLE: { text: 'the Redis replay window did not answer', status: 503 },
  INGEST_PUBLISH_FAILED: { text: 'the JetStream publish was not acknowledged', status: 503 },
  INGEST_REQUEST_INVALID: {
    text: 'a bus request to ingest could not be decoded or names no valid device id',
    status: 400,
  },
  INGEST_RADIUS_LISTEN_FAILED: {
    text: 'the RADIUS accounting port (RADIUS_PORT) could not be bound',
    status: 500,
  },
  INGEST_PUBLISH_OVERLOADED: { text: 'too many publishes awaiting acknowledgement', status: 503 },
});

export type IngestErrorCode = keyof typeof INGEST_ERRORS;

export class IngestError extends AppError {
  override readonly name = 'IngestError';
  constructor(code: IngestErrorCode, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, INGEST_ERRORS[code].text, context, options);
  }
}

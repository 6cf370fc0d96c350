// ingest's error catalogue: every code, its message and (for HTTP) its status.
import { AppError } from '@sa/platform';

export const INGEST_ERRORS = {
  INGEST_LISTEN_PORT_BUSY: { message: 'UDP and HTTP could not both bind the same port number', status: 500 },
  INGEST_SNAPSHOT_BAD_VALUE: { message: 'a KV snapshot entry could not be decoded', status: 500 },
  INGEST_REPLAY_STORE_UNAVAILABLE: { message: 'the Redis replay window did not answer', status: 503 },
  INGEST_PUBLISH_FAILED: { message: 'the JetStream publish was not acknowledged', status: 503 },
  INGEST_REQUEST_INVALID: {
    message: 'a bus request to ingest could not be decoded or names no valid device id',
    status: 400,
  },
  INGEST_RADIUS_LISTEN_FAILED: {
    message: 'the RADIUS accounting port (RADIUS_PORT) could not be bound',
    status: 500,
  },
  INGEST_PUBLISH_OVERLOADED: { message: 'too many publishes awaiting acknowledgement', status: 503 },
} as const;

export type IngestErrorCode = keyof typeof INGEST_ERRORS;

export class IngestError extends AppError {
  override readonly name = 'IngestError';
  constructor(code: IngestErrorCode, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, INGEST_ERRORS[code].message, context, options);
  }
}

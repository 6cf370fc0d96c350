// The slice of IngestConfig each component is built with, computed once so the composition root
// only hands them over. Timings that are not configurable are named here.
import type { PublisherOptions } from '../adapters/nats/phone-publisher.js';
import type { RedisReplayGuardOptions } from '../adapters/redis/replay-guard.js';
import type { IngestConfig } from '../config.js';
import type { TokenBucketOptions } from '../domain/token-bucket-table.js';
import type { ObserverOptions } from '../ingest-observer.js';

export interface IngestSettings {
  readonly observer: ObserverOptions;
  readonly publisher: PublisherOptions;
  readonly replay: RedisReplayGuardOptions;
  readonly ipLimits: TokenBucketOptions;
  readonly deviceLimits: Omit<TokenBucketOptions, 'maxEntries'>;
  /** how long stop waits for accepted packets' stream acks before closing the publisher */
  readonly publishDrainMs: number;
}

export function ingestSettings(config: IngestConfig, nowMs: () => number): IngestSettings {
  return {
    observer: {
      rejectLogPerSec: config.REJECT_LOG_PER_SEC,
      rejectLogTotalPerSec: config.REJECT_LOG_TOTAL_PER_SEC,
      rejectLogTableSize: config.REJECT_LOG_TABLE_SIZE,
      nowMs,
    },
    publisher: {
      maxInFlight: config.PUBLISH_MAX_INFLIGHT,
      maxQueued: config.MAX_PENDING_PACKETS,
      timeoutMs: 5000,
    },
    replay: {
      keyPrefix: config.REDIS_KEY_PREFIX,
      window: config.REPLAY_WINDOW,
      markerTtlMs: 2 * config.TIMESTAMP_WINDOW_MS,
    },
    ipLimits: {
      perSecond: config.RATE_LIMIT_IP_PER_SEC,
      burst: config.RATE_LIMIT_IP_BURST,
      maxEntries: config.RATE_LIMIT_TABLE_SIZE,
    },
    deviceLimits: { perSecond: config.RATE_LIMIT_DEVICE_PER_SEC, burst: config.RATE_LIMIT_DEVICE_BURST },
    publishDrainMs: 2000,
  };
}

// The replay window shared by every ingest instance: one atomic Lua call per packet. ioredis
// auto-pipelining batches the calls issued in the same tick into one round-trip.
import type { Redis } from '@sa/platform';
import type { ReplayGuard } from '../../domain/ports.js';
import { IngestError } from '../../errors.js';
import { replayKeys } from './keys.js';

// KEYS[1] highest accepted counter, KEYS[2] this counter's marker.
// ARGV: counter, window, marker ttl ms, highest ttl ms. Returns 1 = first use, 0 = replay/too old.
const FIRST_USE_LUA = `
local c = tonumber(ARGV[1])
local hi = tonumber(redis.call('GET', KEYS[1]) or '-1')
if c <= hi - tonumber(ARGV[2]) then return 0 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then return 0 end
if c > hi then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4]) end
return 1
`;

const HIGH_TTL_MS = 30 * 24 * 3600_000;

type WithReplay = Redis & {
  saReplayFirstUse(
    high: string,
    seen: string,
    counter: number,
    window: number,
    ttl: number,
    hiTtl: number,
  ): Promise<number>;
};

export interface RedisReplayGuardOptions {
  readonly keyPrefix: string;
  readonly window: number;
  /** how long a counter marker lives: twice the timestamp window */
  readonly markerTtlMs: number;
}

export class RedisReplayGuard implements ReplayGuard {
  private readonly redis: WithReplay;

  constructor(
    redis: Redis,
    private readonly options: RedisReplayGuardOptions,
  ) {
    redis.defineCommand('saReplayFirstUse', { numberOfKeys: 2, lua: FIRST_USE_LUA });
    this.redis = redis as WithReplay;
  }

  async firstUse(deviceId: string, counter: number): Promise<boolean> {
    const [high, seen] = replayKeys(this.options.keyPrefix, deviceId, counter);
    try {
      const r = await this.redis.saReplayFirstUse(
        high,
        seen,
        counter,
        this.options.window,
        this.options.markerTtlMs,
        HIGH_TTL_MS,
      );
      return r === 1;
    } catch (cause) {
      throw new IngestError('INGEST_REPLAY_STORE_UNAVAILABLE', { deviceId }, { cause });
    }
  }
}

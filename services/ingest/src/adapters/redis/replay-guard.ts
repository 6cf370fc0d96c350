// The replay window shared by every ingest instance: one atomic Lua call per packet (its keys are
// hash-tagged per device, so it stays valid on Redis Cluster). Checks are collected for one
// event-loop turn (setImmediate: every datagram read in that turn) and issued together, so ioredis
// auto-pipelining sends the whole batch in one write: one round trip per batch, not per packet.
import type { Redis } from '@sa/platform';
import type { ReplayGuard } from '../../domain/ports.js';
import { IngestError } from '../../errors.js';
import { replayHighKey, replayKeys } from './keys.js';

// KEYS[1] highest accepted counter H, KEYS[2] this counter's marker.
// ARGV: counter, window W, marker ttl ms, highest ttl ms. Returns 1 = first use, 0 = replay/too old.
// docs/protocol.md section 6: a counter more than W below H (c < H - W) is too old; H - W itself is
// still inside the window (accepted once).
const FIRST_USE_LUA = `
local c = tonumber(ARGV[1])
local hi = tonumber(redis.call('GET', KEYS[1]) or '-1')
if c < hi - tonumber(ARGV[2]) then return 0 end
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

  private queue: Array<{
    readonly deviceId: string;
    readonly counter: number;
    readonly resolve: (fresh: boolean) => void;
    readonly reject: (err: unknown) => void;
  }> = [];
  private flushScheduled = false;

  firstUse(deviceId: string, counter: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ deviceId, counter, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /**
   * Forgets the device's highest accepted counter (GETDEL, one key): its next counter is accepted
   * as a first one. The per-counter markers stay until they expire, so a packet accepted within
   * the last two timestamp windows is still a replay.
   */
  async forget(deviceId: string): Promise<number | null> {
    try {
      const value = await this.redis.getdel(replayHighKey(this.options.keyPrefix, deviceId));
      return value === null ? null : Number(value);
    } catch (cause) {
      throw new IngestError('INGEST_REPLAY_STORE_UNAVAILABLE', { deviceId }, { cause });
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    const { keyPrefix, window, markerTtlMs } = this.options;
    for (const { deviceId, counter, resolve, reject } of batch) {
      const [high, seen] = replayKeys(keyPrefix, deviceId, counter);
      this.redis.saReplayFirstUse(high, seen, counter, window, markerTtlMs, HIGH_TTL_MS).then(
        (r) => resolve(r === 1),
        (cause: unknown) =>
          reject(new IngestError('INGEST_REPLAY_STORE_UNAVAILABLE', { deviceId }, { cause })),
      );
    }
  };
}

// Router's side of change-driven presence in Redis (@sa/platform quiet-presence): a quiet device's
// fingerprint under its quiet key (ingest compares reports with it), its liveness member seeded
// with the last report router applied, and the scan for liveness that stopped (presence timeout).
import {
  encodeQuiet,
  type FingerprintSettings,
  livenessMember,
  parseLivenessMember,
  presenceFingerprint,
  QUIET_TTL_MS,
  quietPresenceKeys,
  type Redis,
} from '@sa/platform';
import type { QuietDevice, QuietPresence } from '../../routing/ports.js';

// KEYS[1] liveness ZSET; ARGV: cutoff, members... Removes each member still at or before cutoff.
const FORGET_LUA = `
local n = 0
for i = 2, #ARGV do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) <= tonumber(ARGV[1]) then n = n + redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return n
`;

// KEYS[1] a device's quiet key; ARGV: counter of the report this write reflects, then the mark
// (none: take the mark back), ttl ms. ingest's tombstone `~<n>` of a report published since (n above
// this counter) is kept: that report is not applied yet, so no mark of before it may stand.
const MARK_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, 1) == '~' and tonumber(string.sub(cur, 2)) > tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

type WithForget = Redis & {
  saForgetLiveness(key: string, cutoff: number, ...members: string[]): Promise<number>;
};
type WithMark = { saQuietMark(key: string, counter: number, mark: string, ttlMs: number): Promise<number> };

export class RedisQuietPresence implements QuietPresence {
  private readonly keys: ReturnType<typeof quietPresenceKeys>;
  private readonly redis: WithForget;

  constructor(
    redis: Redis,
    busPrefix: string,
    private readonly settings: FingerprintSettings,
  ) {
    this.keys = quietPresenceKeys(busPrefix);
    redis.defineCommand('saForgetLiveness', { numberOfKeys: 1, lua: FORGET_LUA });
    redis.defineCommand('saQuietMark', { numberOfKeys: 1, lua: MARK_LUA });
    this.redis = redis as WithForget;
  }

  async lastSeen(devices: readonly { extension: string; recordId: string }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (devices.length === 0) return out;
    const members = devices.map((d) => livenessMember(d.extension, d.recordId));
    const scores = await this.redis.zmscore(this.keys.liveness, ...members);
    for (const [i, s] of scores.entries()) if (s !== null) out.set(members[i]!, Number(s));
    return out;
  }

  async publish(devices: readonly QuietDevice[]): Promise<void> {
    if (devices.length === 0) return;
    const p = this.redis.pipeline() as ReturnType<Redis['pipeline']> & WithMark;
    for (const { extension, device: d } of devices) {
      const key = this.keys.quiet(d.id);
      if (!d.quiet) {
        p.saQuietMark(key, d.counter, '', QUIET_TTL_MS);
        continue;
      }
      const fingerprint = presenceFingerprint(d.connected, d.visible, this.settings);
      p.saQuietMark(key, d.counter, encodeQuiet(this.settings, fingerprint), QUIET_TTL_MS);
      // seeded with the report router applied: a device that falls silent at once still times out
      p.zadd(this.keys.liveness, 'GT', d.seenAtMs, livenessMember(extension, d.id));
    }
    const results = (await p.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async expired(cutoffMs: number, offset: number, limit: number) {
    const members = await this.redis.zrangebyscore(
      this.keys.liveness,
      '-inf',
      cutoffMs,
      'LIMIT',
      offset,
      limit,
    );
    const out: { extension: string; recordId: string; member: string }[] = [];
    const junk: string[] = [];
    for (const member of members) {
      const parsed = parseLivenessMember(member);
      if (parsed) out.push({ ...parsed, member });
      else junk.push(member);
    }
    if (junk.length > 0) await this.redis.zrem(this.keys.liveness, ...junk);
    return out;
  }

  async forget(members: readonly string[], cutoffMs: number): Promise<void> {
    if (members.length > 0) await this.redis.saForgetLiveness(this.keys.liveness, cutoffMs, ...members);
  }
}

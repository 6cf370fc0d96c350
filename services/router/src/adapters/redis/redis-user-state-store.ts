// All router state in Redis: per-user state (atomic compare-and-set by a Lua script, fenced by the
// partition owner's epoch), the per-partition due and unpushed sets, and the per-user call log.
// Batches are issued in one tick and ioredis' auto-pipelining sends them as one write (one round
// trip per batch); unlike MGET or an explicit pipeline this also works on Redis Cluster, where
// ioredis groups the commands per node.
import type { Redis } from '@sa/platform';
import type { Decision, UserState } from '../../domain/types.js';
import { decodeCall, encodeCall } from './call-codec.js';
import type { RouterKeys } from './keys.js';
import { decodeState, encodeState, type StoredUser } from './state-codec.js';

/** A committed call decision, as recorded for "why did my call go there?". */
export interface CallRecord {
  readonly callId: string;
  readonly extension: string;
  readonly callerIdNum: string;
  readonly targetDial: string;
  readonly scenarioId: string;
  readonly reason: string;
  readonly decidedAtMs: number;
  readonly fallback: boolean;
  readonly version: number;
  /** set when a still-ringing call was moved to a new target (reason says why) */
  readonly redirectedFrom?: string;
}

export interface UserCommit {
  readonly extension: string;
  readonly partition: number;
  /** the rev read by load() (0 when the user had no state) */
  readonly expectedRev: number;
  readonly epoch: number;
  readonly state: UserState;
  readonly nextDeadlineMs: number;
  /** the decision changed and must be written to AstDB */
  readonly changed: boolean;
  /** `encodeState(expectedRev + 1, epoch, state)` when the caller already has it (it caches it) */
  readonly encoded?: string;
}

export type CommitOutcome = 'committed' | 'conflict' | 'fenced';

// KEYS[1] state; ARGV: expected rev, epoch, new value. Returns 1 ok, -1 fenced, -2 conflict.
const COMMIT_LUA = `
local cur = redis.call('GET', KEYS[1])
local expected = tonumber(ARGV[1])
local epoch = tonumber(ARGV[2])
if cur then
  local rev, ep = string.match(cur, '^(%d+):(%d+):')
  if tonumber(ep) > epoch then return -1 end
  if tonumber(rev) ~= expected then return -2 end
elseif expected ~= 0 then
  return -2
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
`;

// KEYS[1] unpushed zset; ARGV: member, version, member, version, ... Removes a member only if no
// newer version is pending.
const MARK_PUSHED_LUA = `
for i = 1, #ARGV, 2 do
  local v = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if v and tonumber(v) <= tonumber(ARGV[i + 1]) then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 1
`;

interface ScriptedRedis extends Redis {
  saCommit(key: string, expected: number, epoch: number, value: string): Promise<number>;
  saMarkPushed(key: string, ...memberVersionPairs: (string | number)[]): Promise<number>;
}

export interface StoreOptions {
  readonly callLogLength: number;
  readonly callLogTtlS: number;
}

export class RedisUserStateStore {
  private readonly redis: ScriptedRedis;
  private readonly toMark = new Map<number, Map<string, number>>();
  private marking: Promise<void> | null = null;

  constructor(
    redis: Redis,
    private readonly keys: RouterKeys,
    private readonly options: StoreOptions,
  ) {
    if (!('saCommit' in redis)) {
      redis.defineCommand('saCommit', { numberOfKeys: 1, lua: COMMIT_LUA });
      redis.defineCommand('saMarkPushed', { numberOfKeys: 1, lua: MARK_PUSHED_LUA });
    }
    this.redis = redis as ScriptedRedis;
  }

  async load(extensions: readonly string[]): Promise<Map<string, StoredUser>> {
    const out = new Map<string, StoredUser>();
    if (extensions.length === 0) return out;
    const raws = await Promise.all(extensions.map((e) => this.redis.get(this.keys.userState(e))));
    for (const [i, raw] of raws.entries()) {
      if (raw) out.set(extensions[i]!, decodeState(raw));
    }
    return out;
  }

  async loadOne(extension: string): Promise<StoredUser | null> {
    const raw = await this.redis.get(this.keys.userState(extension));
    return raw ? decodeState(raw) : null;
  }

  async commit(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    if (commits.length === 0) return [];
    // The due and unpushed entries are written just before the commit script, in the same
    // auto-pipelined write: a crash cannot commit state without them (a redelivered event is a
    // no-op, so nothing would add them later). If the commit then loses, the extra entries only
    // cause one harmless re-evaluation or re-push.
    // One ZADD/ZREM per partition key for the whole batch instead of one command per user.
    const pending: Promise<unknown>[] = [];
    const perPartition = new Map<
      number,
      { due: (string | number)[]; done: string[]; unpushed: (string | number)[] }
    >();
    for (const c of commits) {
      let p = perPartition.get(c.partition);
      if (!p) {
        p = { due: [], done: [], unpushed: [] };
        perPartition.set(c.partition, p);
      }
      if (Number.isFinite(c.nextDeadlineMs)) p.due.push(c.nextDeadlineMs, c.extension);
      else p.done.push(c.extension);
      if (c.changed && c.state.decision) p.unpushed.push(c.state.decision.version, c.extension);
    }
    for (const [partition, p] of perPartition) {
      const due = this.keys.due(partition);
      if (p.due.length > 0) pending.push(this.redis.zadd(due, ...p.due));
      if (p.done.length > 0) pending.push(this.redis.zrem(due, ...p.done));
      if (p.unpushed.length > 0) pending.push(this.redis.zadd(this.keys.unpushed(partition), ...p.unpushed));
    }
    const replies = await Promise.all(
      commits.map((c) =>
        this.redis.saCommit(
          this.keys.userState(c.extension),
          c.expectedRev,
          c.epoch,
          c.encoded ?? encodeState(c.expectedRev + 1, c.epoch, c.state),
        ),
      ),
    );
    await Promise.all(pending);
    const outcomes = replies.map(
      (v): CommitOutcome => (v === 1 ? 'committed' : v === -1 ? 'fenced' : 'conflict'),
    );
    return outcomes;
  }

  async dueUsers(partition: number, nowMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.due(partition), '-inf', nowMs, 'LIMIT', 0, limit);
  }

  async unpushedUsers(partition: number, limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.unpushed(partition), 0, limit - 1);
  }

  /** Confirmations arriving in the same tick are sent as one script call per partition. */
  markPushed(partition: number, extension: string, version: number): Promise<void> {
    let p = this.toMark.get(partition);
    if (!p) {
      p = new Map();
      this.toMark.set(partition, p);
    }
    if ((p.get(extension) ?? 0) < version) p.set(extension, version);
    this.marking ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const batches = [...this.toMark];
        this.toMark.clear();
        this.marking = null;
        Promise.all(
          batches.map(([part, m]) => this.redis.saMarkPushed(this.keys.unpushed(part), ...[...m].flat())),
        ).then(() => resolve(), reject);
      }),
    );
    return this.marking;
  }

  async currentDecision(extension: string): Promise<Decision | null> {
    return (await this.loadOne(extension))?.state.decision ?? null;
  }

  async recordCall(record: CallRecord): Promise<void> {
    const key = this.keys.callLog(record.extension);
    await this.redis
      .multi()
      .lpush(key, encodeCall(record))
      .ltrim(key, 0, this.options.callLogLength - 1)
      .expire(key, this.options.callLogTtlS)
      .exec();
  }

  async recentCalls(extension: string): Promise<CallRecord[]> {
    const rows = await this.redis.lrange(this.keys.callLog(extension), 0, -1);
    return rows.map((r) => decodeCall(extension, r));
  }
}

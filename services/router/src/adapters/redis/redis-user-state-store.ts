// All router state in Redis: per-user state (atomic compare-and-set by a Lua script, fenced by the
// partition owner's epoch), the per-partition due and unpushed sets, and the per-user call log.
// Why one script call per chunk of users: per-user calls cost the router ~15 µs of client work
// each (command objects, promises, reply parsing) and Redis a script invocation each; a chunk in
// one call shares all of that. On Redis Cluster a script may only touch one slot, so there the
// store falls back to one call per user (keys are hash-tagged per user for that), auto-pipelined
// into one write per batch.
import type { Redis } from '@sa/platform';
import type { Decision } from '../../domain/types.js';
import type { CallRecord, CommitOutcome, UserCommit } from '../../routing/ports.js';
import { decodeState, encodeState, type StoredUser } from '../../routing/state-codec.js';
import { decodeCall, encodeCall } from './call-codec.js';
import type { RouterKeys } from './keys.js';

// Commits a chunk of users in one script call: nothing is written if any of them carries a newer
// epoch (the partition has a new owner: -1), otherwise each user is compare-and-set on its rev
// (1 committed, -2 conflict) and, when ARGV[2] is '1', the partition's due and unpushed sets
// (KEYS[1], KEYS[2]) are updated for the committed users in the same atomic step.
// KEYS: [due, unpushed,] state keys. ARGV: epoch, sets flag, then per user: expected rev, new
// value, extension, next deadline ('' = none), decision version to push ('' = none).
const COMMIT_LUA = `
local epoch = tonumber(ARGV[1])
local sets = ARGV[2] == '1'
local first = sets and 3 or 1
local revs = {}
for k = first, #KEYS do
  local cur = redis.call('GET', KEYS[k])
  local rev = 0
  if cur then
    local r, ep = string.match(cur, '^(%d+):(%d+):')
    if tonumber(ep) > epoch then return -1 end
    rev = tonumber(r)
  end
  revs[k] = rev
end
local out = {}
for k = first, #KEYS do
  local a = 3 + (k - first) * 5
  if revs[k] ~= tonumber(ARGV[a]) then
    out[#out + 1] = -2
  else
    redis.call('SET', KEYS[k], ARGV[a + 1])
    if sets then
      if ARGV[a + 3] == '' then redis.call('ZREM', KEYS[1], ARGV[a + 2])
      else redis.call('ZADD', KEYS[1], ARGV[a + 3], ARGV[a + 2]) end
      if ARGV[a + 4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[a + 4], ARGV[a + 2]) end
    end
    out[#out + 1] = 1
  end
end
return out
`;

// KEYS: call log keys; ARGV: length cap, TTL (s), then one record per key (newest first in a list).
const RECORD_CALLS_LUA = `
local cap = tonumber(ARGV[1]) - 1
for k = 1, #KEYS do
  redis.call('LPUSH', KEYS[k], ARGV[2 + k])
  redis.call('LTRIM', KEYS[k], 0, cap)
  redis.call('EXPIRE', KEYS[k], ARGV[2])
end
return #KEYS
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

type ScriptArg = string | number;
interface ScriptedRedis extends Redis {
  saCommit(numKeys: number, ...keysAndArgs: ScriptArg[]): Promise<number | number[]>;
  saRecordCalls(numKeys: number, ...keysAndArgs: ScriptArg[]): Promise<number>;
  saMarkPushed(key: string, ...memberVersionPairs: ScriptArg[]): Promise<number>;
}

export interface StoreOptions {
  readonly callLogLength: number;
  readonly callLogTtlS: number;
  /**
   * One script call per user (and the partition sets written beside it) instead of one per chunk
   * of users. Needed on Redis Cluster, where one script may only touch keys of one slot; the
   * default follows the client (ioredis' `isCluster`).
   */
  readonly perUserScripts?: boolean;
}

/** Collects items added in one tick and hands them to `flush` together on the next. */
class TickBatch<T> {
  private items: T[] = [];
  private flushed: Promise<void> | null = null;

  constructor(private readonly flush: (items: T[]) => Promise<unknown>) {}

  add(item: T): Promise<void> {
    this.items.push(item);
    this.flushed ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const items = this.items;
        this.items = [];
        this.flushed = null;
        this.flush(items).then(() => resolve(), reject);
      }),
    );
    return this.flushed;
  }
}

export class RedisUserStateStore {
  private readonly redis: ScriptedRedis;
  private readonly perUser: boolean;
  private readonly marks: TickBatch<[partition: number, extension: string, version: number]>;
  private readonly calls: TickBatch<CallRecord>;

  constructor(
    redis: Redis,
    private readonly keys: RouterKeys,
    private readonly options: StoreOptions,
  ) {
    if (!('saCommit' in redis)) {
      redis.defineCommand('saCommit', { lua: COMMIT_LUA });
      redis.defineCommand('saRecordCalls', { lua: RECORD_CALLS_LUA });
      redis.defineCommand('saMarkPushed', { numberOfKeys: 1, lua: MARK_PUSHED_LUA });
    }
    this.redis = redis as ScriptedRedis;
    this.perUser = options.perUserScripts ?? (redis as { isCluster?: boolean }).isCluster === true;
    this.marks = new TickBatch((items) => this.writeMarks(items));
    this.calls = new TickBatch((records) => this.writeCalls(records));
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

  /** Commits the users (all of one epoch) atomically per script call; outcomes in input order. */
  async commit(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    if (commits.length === 0) return [];
    return this.perUser ? this.commitPerUser(commits) : this.commitTogether(commits);
  }

  private async commitTogether(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    const byPartition = new Map<number, number[]>();
    for (const [i, c] of commits.entries()) {
      const list = byPartition.get(c.partition);
      if (list) list.push(i);
      else byPartition.set(c.partition, [i]);
    }
    const outcomes: CommitOutcome[] = new Array(commits.length);
    await Promise.all(
      [...byPartition].map(async ([partition, indexes]) => {
        const keys: ScriptArg[] = [this.keys.due(partition), this.keys.unpushed(partition)];
        const args: ScriptArg[] = [commits[indexes[0]!]!.epoch, '1'];
        for (const i of indexes) {
          const c = commits[i]!;
          keys.push(this.keys.userState(c.extension));
          args.push(...this.userArgs(c));
        }
        const reply = await this.redis.saCommit(keys.length, ...keys, ...args);
        for (const [j, i] of indexes.entries()) outcomes[i] = outcomeOf(reply, j);
      }),
    );
    return outcomes;
  }

  private async commitPerUser(commits: readonly UserCommit[]): Promise<CommitOutcome[]> {
    // The due and unpushed entries are written just before the commit scripts, in the same
    // auto-pipelined write: a crash cannot commit state without them (a redelivered event is a
    // no-op, so nothing would add them later). If a commit then loses, the extra entries only
    // cause one harmless re-evaluation or re-push.
    const pending: Promise<unknown>[] = [];
    const perPartition = new Map<number, { due: ScriptArg[]; done: string[]; unpushed: ScriptArg[] }>();
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
        this.redis.saCommit(1, this.keys.userState(c.extension), c.epoch, '0', ...this.userArgs(c)),
      ),
    );
    await Promise.all(pending);
    return replies.map((r) => outcomeOf(r, 0));
  }

  private userArgs(c: UserCommit): ScriptArg[] {
    return [
      c.expectedRev,
      c.encoded ?? encodeState(c.expectedRev + 1, c.epoch, c.state),
      c.extension,
      Number.isFinite(c.nextDeadlineMs) ? c.nextDeadlineMs : '',
      c.changed && c.state.decision ? c.state.decision.version : '',
    ];
  }

  async dueUsers(partition: number, nowMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.due(partition), '-inf', nowMs, 'LIMIT', 0, limit);
  }

  async unpushedUsers(partition: number, limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.unpushed(partition), 0, limit - 1);
  }

  /** Confirmations arriving in the same tick are sent as one script call per partition. */
  markPushed(partition: number, extension: string, version: number): Promise<void> {
    return this.marks.add([partition, extension, version]);
  }

  private writeMarks(items: readonly [number, string, number][]): Promise<unknown> {
    const latest = new Map<number, Map<string, number>>();
    for (const [partition, extension, version] of items) {
      const p = latest.get(partition) ?? new Map<string, number>();
      latest.set(partition, p);
      if ((p.get(extension) ?? 0) < version) p.set(extension, version);
    }
    return Promise.all(
      [...latest].map(([part, m]) => this.redis.saMarkPushed(this.keys.unpushed(part), ...[...m].flat())),
    );
  }

  async currentDecision(extension: string): Promise<Decision | null> {
    return (await this.loadOne(extension))?.state.decision ?? null;
  }

  /** Call decisions of one tick are written with one script call (one per call on a cluster). */
  recordCall(record: CallRecord): Promise<void> {
    return this.calls.add(record);
  }

  private writeCalls(records: readonly CallRecord[]): Promise<unknown> {
    const { callLogLength, callLogTtlS } = this.options;
    const groups = this.perUser ? records.map((r) => [r]) : [records];
    return Promise.all(
      groups.map((g) =>
        this.redis.saRecordCalls(
          g.length,
          ...g.map((r) => this.keys.callLog(r.extension)),
          callLogLength,
          callLogTtlS,
          ...g.map(encodeCall),
        ),
      ),
    );
  }

  async recentCalls(extension: string): Promise<CallRecord[]> {
    const rows = await this.redis.lrange(this.keys.callLog(extension), 0, -1);
    return rows.map((r) => decodeCall(extension, r));
  }
}

function outcomeOf(reply: number | number[], index: number): CommitOutcome {
  if (!Array.isArray(reply)) return 'fenced';
  return reply[index] === 1 ? 'committed' : 'conflict';
}

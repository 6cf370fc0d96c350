// The router's environment. Defaults sit next to the variables; durations are converted once here.
import { hostname } from 'node:os';
import { commonEnv, env, loadConfig as load, redisEnv } from '@sa/platform';
import { z } from 'zod';

const int = env.int;

export const routerEnv = z.object({
  ...commonEnv,
  OPS_PORT: env.port(9102),
  ...redisEnv,
  /** Redis keys look like `{sa:<REDIS_KEY_PREFIX>:<ext>}:st`; default = SA_BUS_PREFIX */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
    .optional(),
  /** presence older than this falls back to the default scenario */
  PRESENCE_TIMEOUT_S: env.positiveInt(120),
  /** a different location must be reported this many times in a row ... */
  HYSTERESIS_REPORTS: env.positiveInt(2),
  /** ... or for this long (unless its evidence is stronger) */
  HYSTERESIS_S: int(20, 0, 86_400),
  /** visible (not connected) networks count at or above this signal */
  VISIBLE_RSSI_MIN_DBM: int(-75, -127, 0),
  /** partitions of the user space; run one owner per partition (>= number of router instances) */
  ROUTER_PARTITIONS: int(1, 1, 256),
  ROUTER_LEASE_MS: int(6000, 300, 600_000),
  ROUTER_ACK_WAIT_MS: int(10_000, 500, 600_000),
  /**
   * a partition's owner starts this far back in the phone stream, even before what was acknowledged:
   * after a Redis failover (which can lose the last writes) the replay writes them again. 0: off.
   */
  ROUTER_START_REPLAY_MS: int(15_000, 0, 600_000),
  ROUTER_BATCH_MAX: int(1000, 1, 100_000),
  /** phone events requested from JetStream per pull request (each pull is a server round trip) */
  ROUTER_PULL_MAX: int(8000, 1, 100_000),
  /**
   * delivered but unacknowledged phone events per partition. It bounds what waits in the router's
   * memory, and the server's work per ack: a file-backed consumer persists its pending set, so
   * 100k pending made every cumulative ack cost the server milliseconds (measured: nats-server at
   * ~75 % CPU draining 4k events/s; bounded, the same drain is router-bound).
   */
  ROUTER_MAX_ACK_PENDING: int(10_000, 100, 1_000_000),
  /** phone-event batches in flight per partition: the next is evaluated while one commits */
  ROUTER_PIPELINE_DEPTH: int(2, 1, 16),
  ROUTER_SWEEP_MS: int(500, 10, 60_000),
  ROUTER_DURABLE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('router'),
  ROUTER_INSTANCE_ID: z.string().min(1).max(100).optional(),
  AMI_COMMAND_TIMEOUT_MS: int(2000, 50, 60_000),
  AMI_MAX_IN_FLIGHT: int(256, 1, 100_000),
  /**
   * recorded call decisions kept per user (newest first). Each compact entry is ~100-150 bytes of
   * Redis; 3 keeps a user with a full log at ~1 KB including its state. Raise it for a longer
   * "why did my call go there?" history at ~130 B per user per entry.
   */
  CALL_LOG_LENGTH: int(3, 1, 1000),
  /**
   * how long a user's call log lives in Redis. An operational cache for "why did my call go
   * there?": keep it within admin's retention (docs/privacy.md), which defaults to 30 days.
   */
  CALL_LOG_TTL_S: int(7 * 86_400, 60, 365 * 86_400),
  /** astdb: our SMARTASSISTANT keys; followme: FreePBX Follow-Me keys (AMPUSER/<ext>/followme/*); both */
  ASTERISK_TARGET_MODE: z.enum(['astdb', 'followme', 'both']).default('astdb'),
  /** Follow-Me list ring time and prering of the user's own extension, seconds */
  FOLLOWME_GRPTIME: int(20, 1, 600),
  FOLLOWME_PRERING: int(0, 0, 600),
  /**
   * grplist entries are plain when they are FreePBX extensions (AMPUSER/<n>/cidname or device in
   * AstDB), others get '#'. Until AstDB could be read once, entries matching this pattern count
   * as extensions instead.
   */
  FOLLOWME_INTERNAL_PATTERN: z
    .string()
    .min(1)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression')
    .default('^[0-9]{2,6}$'),
  /**
   * followme/both: every this many seconds seven small `database showkey <key>` reads (AMI
   * Commands, FollowMeGuard) re-read the extension list and the owned users' Follow-Me keys, put
   * back what FreePBX rewrote (reload, page save) and report users without a saved Follow Me.
   * 0 = never (pattern only, no repair).
   */
  FOLLOWME_VERIFY_S: int(5, 0, 3600),
  /** redirect a routed call that still rings when the user's target changes */
  REDIRECT_RINGING_ON_CHANGE: env.bool(false),
  /**
   * change-driven presence: router marks devices whose identical reports change nothing, and ingest
   * answers those without the bus (docs/performance.md). Off: every report takes the whole pipeline.
   */
  QUIET_PRESENCE: env.bool(true),
  /** calls remembered for that: at most this many, each for at most this long */
  RINGING_CALLS_MAX: int(10_000, 1, 1_000_000),
  RINGING_CALL_TTL_S: int(120, 5, 86_400),
  /** where a ringing call is redirected: <REDIRECT_CONTEXT>,<dial>,<REDIRECT_PRIORITY> (as ami-bridge) */
  REDIRECT_CONTEXT: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be 1-80 letters, digits, _ . or -')
    .default('smartassistant-dial'),
  REDIRECT_PRIORITY: int(1, 1, 1000),
});

export type RouterEnv = z.infer<typeof routerEnv>;

export interface RouterConfig extends RouterEnv {
  readonly redisKeyPrefix: string;
  readonly instanceId: string;
}

/** Above this the call log outlives admin's default retention of call history (docs/privacy.md). */
export const CALL_LOG_TTL_WARN_S = 30 * 86_400;

/** Settings that work but deserve a line in the log at start. */
export function configWarnings(c: Pick<RouterEnv, 'CALL_LOG_TTL_S'>): string[] {
  const warnings: string[] = [];
  if (c.CALL_LOG_TTL_S > CALL_LOG_TTL_WARN_S)
    warnings.push(
      `CALL_LOG_TTL_S=${c.CALL_LOG_TTL_S} keeps call logs in Redis for more than 30 days: keep it within admin's retention of call history (docs/privacy.md)`,
    );
  return warnings;
}

export function loadRouterConfig(source?: Record<string, string | undefined>): Readonly<RouterConfig> {
  const c = load(routerEnv, source);
  return Object.freeze({
    ...c,
    redisKeyPrefix: c.REDIS_KEY_PREFIX ?? c.SA_BUS_PREFIX,
    instanceId: c.ROUTER_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
  });
}

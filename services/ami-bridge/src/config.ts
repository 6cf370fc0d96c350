// ami-bridge environment. Defaults sit next to the variables; AMI_SECRET is never logged.
import { commonEnv, env, loadConfig, redisEnv } from '@sa/platform';
import { z } from 'zod';

const int = env.int;
const token = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be 1-80 letters, digits, _ . or -')
    .default(fallback);

export const amiBridgeEnv = z.object({
  ...commonEnv,
  OPS_PORT: env.port(9104),
  AMI_HOST: z.string().min(1).default('127.0.0.1'),
  AMI_PORT: env.port(5038),
  AMI_USERNAME: z.string().min(1).default('smartassistant'),
  AMI_SECRET: z.string({ message: 'is required (the secret of the manager.conf user)' }).min(1),
  /** plain sends the secret; md5 uses the Challenge action (the secret never crosses the wire) */
  AMI_AUTH_TYPE: z.enum(['plain', 'md5']).default('md5'),
  /** Login `Events:` classes: call (Hangup, Newstate), user (our UserEvent), dialplan (VarSet) */
  AMI_EVENT_MASK: z
    .string()
    .regex(/^(on|off|[a-z]+(,[a-z]+)*)$/, 'must be on, off or a class list like call,user')
    .default('call,user'),
  AMI_ACTION_TIMEOUT_MS: int(3000, 50, 60_000),
  AMI_KEEPALIVE_MS: int(10_000, 0, 600_000),
  AMI_RECONNECT_MAX_MS: int(10_000, 100, 300_000),
  /**
   * the waiting dialplan of earlier releases: how long it waits for a Redirect (= its SA_CALL_WAIT
   * seconds). Also bounds how long an AstDB-first call may still be corrected (router answers later).
   */
  CALL_WAIT_MS: int(2000, 200, 30_000),
  /** UserEvent name our dialplan emits when a call enters the context */
  CALL_USER_EVENT: token('SmartAssistantCall'),
  /** our context (with the `dialplan` event class, its VarSet of __SA_EXTEN also announces a call) */
  CALL_CONTEXT: token('smartassistant'),
  /** Redirect target: <REDIRECT_CONTEXT>,<target dial>,<REDIRECT_PRIORITY> */
  REDIRECT_CONTEXT: token('smartassistant-dial'),
  REDIRECT_PRIORITY: int(1, 1, 1000),
  /**
   * Active/standby (docs/operations.md, "ami-bridge active/standby"): true makes this bridge hold a
   * Redis lease per PBX (REDIS_URL or the Sentinel/Cluster settings) and log in to AMI only while it
   * holds it. false (the default): a single bridge, no Redis.
   */
  AMI_BRIDGE_HA: env.bool(false),
  /** names the PBX in the lease key `{sa:<REDIS_KEY_PREFIX>:ami:<id>}:lease`; default AMI_HOST:AMI_PORT */
  AMI_BRIDGE_PBX_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be 1-80 letters, digits, _ . : or -')
    .optional(),
  /** lease lifetime: renewed every third of it; a standby takes over at most about this long after a crash */
  AMI_BRIDGE_LEASE_MS: int(3000, 300, 60_000),
  /** Redis key prefix (as router's); default SA_BUS_PREFIX */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
    .optional(),
  ...redisEnv,
});

export type AmiBridgeEnv = z.infer<typeof amiBridgeEnv>;

export interface AmiBridgeConfig extends AmiBridgeEnv {
  /** Deadline for router's RouteDecision: the dialplan wait minus a margin for the Redirect itself. */
  readonly CALL_DECISION_TIMEOUT_MS: number;
  /** The PBX this bridge serves, as named in its lease key: AMI_BRIDGE_PBX_ID or AMI_HOST:AMI_PORT. */
  readonly PBX_ID: string;
}

export function loadAmiBridgeConfig(
  source: Readonly<Record<string, string | undefined>> = process.env,
): AmiBridgeConfig {
  const parsed = loadConfig(amiBridgeEnv, source);
  const margin = Math.min(500, Math.floor(parsed.CALL_WAIT_MS / 4));
  return Object.freeze({
    ...parsed,
    CALL_DECISION_TIMEOUT_MS: parsed.CALL_WAIT_MS - margin,
    PBX_ID: parsed.AMI_BRIDGE_PBX_ID ?? `${parsed.AMI_HOST}:${parsed.AMI_PORT}`,
  });
}

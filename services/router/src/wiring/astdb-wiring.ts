// How decisions reach Asterisk: AMI commands over NATS to ami-bridge (what to write depends on the
// target mode: our AstDB keys, FreePBX Follow-Me keys or both), the AstDB sync that writes each
// change in order and retries, and the redirect of still-ringing calls when a target changes.
import type { Logger } from '@sa/platform';
import type { BackoffPolicy } from '@sa/platform/backoff';
import type { BusNames } from '@sa/proto';
import { NatsScenarioPublisher } from '../adapters/nats/bus-subscriptions.js';
import { NatsAmiCommander } from '../adapters/nats/nats-ami-commander.js';
import type { RouterConfig } from '../config.js';
import {
  type FollowMeSettings,
  type KnownExtensions,
  patternMatcher,
  targetWritePlan,
} from '../domain/followme.js';
import { AstDbSync } from '../routing/astdb-sync.js';
import type { UserStateStore } from '../routing/ports.js';
import { RingingCalls } from '../routing/ringing-calls.js';
import { RingingRedirector } from '../routing/ringing-redirector.js';
import type { RouterMetrics } from './router-metrics.js';

type NatsConnection = ConstructorParameters<typeof NatsAmiCommander>[0];

/** A failed AstDB write is re-sent after 100 ms doubling to 5 s, the last fifth of each wait random. */
const ASTDB_RETRY: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 5000, jitter: 0.2 };

export function followMeSettings(config: RouterConfig): FollowMeSettings {
  return {
    grptime: config.FOLLOWME_GRPTIME,
    prering: config.FOLLOWME_PRERING,
    fallbackIsExtension: patternMatcher(config.FOLLOWME_INTERNAL_PATTERN),
  };
}

export function astDbWiring(d: {
  config: RouterConfig;
  names: BusNames;
  nc: NatsConnection;
  store: UserStateStore;
  followMe: FollowMeSettings;
  /** the FreePBX extensions the Follow-Me guard last read (null: not read yet, or not in that mode) */
  knownExtensions: () => KnownExtensions;
  metrics: Pick<RouterMetrics, 'ringingRedirects'>;
  clock: () => number;
  logger: Logger;
}) {
  const { config, logger } = d;
  const commander = new NatsAmiCommander(d.nc, d.names, config.AMI_COMMAND_TIMEOUT_MS, (ext, decision) =>
    targetWritePlan(
      { extension: ext, targetDial: decision.targetDial, scenarioName: decision.scenarioName },
      config.ASTERISK_TARGET_MODE,
      d.followMe,
      d.knownExtensions(),
    ),
  );
  const sync = new AstDbSync({
    writer: commander,
    publisher: new NatsScenarioPublisher(d.nc, d.names),
    store: d.store,
    logger: logger.child({ component: 'astdb-sync' }),
    options: { maxInFlight: config.AMI_MAX_IN_FLIGHT, retry: ASTDB_RETRY },
    onWritten: (ext, decision) =>
      logger.isLevelEnabled('info') &&
      logger.info(
        {
          event: 'astdb_written',
          extension: ext,
          target: decision.targetDial,
          scenario: decision.scenarioName,
          version: decision.version,
        },
        `AstDB ${ext}/target = ${decision.targetDial || '(deleted)'} (${decision.scenarioName || 'no scenario'}): ${decision.reason}`,
      ),
  });
  const ringing = config.REDIRECT_RINGING_ON_CHANGE
    ? new RingingRedirector({
        calls: new RingingCalls({
          maxCalls: config.RINGING_CALLS_MAX,
          ttlMs: config.RINGING_CALL_TTL_S * 1000,
          clock: d.clock,
        }),
        ami: commander,
        store: d.store,
        logger: logger.child({ component: 'ringing' }),
        context: config.REDIRECT_CONTEXT,
        priority: config.REDIRECT_PRIORITY,
        clock: d.clock,
        onRedirected: (ok) => d.metrics.ringingRedirects.inc({ result: ok ? 'ok' : 'failed' }),
      })
    : null;
  return { commander, sync, ringing };
}

// Composition root: builds every adapter once, wires them into the routing core, returns start/stop.
import {
  buildOpsApp,
  Counter,
  connectNats,
  connectRedis,
  createMetricsRegistry,
  ensurePhoneStream,
  Gauge,
  HealthRegistry,
  Histogram,
  type Logger,
  openUsersBucket,
  type ServiceApp,
} from '@sa/platform';
import { busNames, v1 } from '@sa/proto';
import { queryAmiStatus } from './adapters/nats/ami-status-query.js';
import { NatsScenarioPublisher, subscribe } from './adapters/nats/bus-subscriptions.js';
import { NatsCallRoutedPublisher } from './adapters/nats/call-routed-publisher.js';
import { answerDecisionQueries } from './adapters/nats/decision-responder.js';
import { NatsDeviceReportPublisher } from './adapters/nats/device-report-publisher.js';
import { NatsFollowMePublisher } from './adapters/nats/followme-publisher.js';
import { NatsAmiCommander } from './adapters/nats/nats-ami-commander.js';
import { PhonePartitionConsumer } from './adapters/nats/phone-consumer.js';
import { KvUserConfigWatcher } from './adapters/nats/user-config-watcher.js';
import { routerKeys } from './adapters/redis/keys.js';
import { RedisPartitionLeases } from './adapters/redis/partition-leases.js';
import { RedisQuietPresence } from './adapters/redis/redis-quiet-presence.js';
import { RedisUserStateStore } from './adapters/redis/redis-user-state-store.js';
import { configWarnings, type RouterConfig } from './config.js';
import { type FollowMeSettings, followMeWanted, patternMatcher, targetWritePlan } from './domain/followme.js';
import { evaluate } from './domain/scenario-engine.js';
import {
  defaultEngineSettings,
  type EngineSettings,
  emptyUserState,
  type RouterEvent,
} from './domain/types.js';
import { AmiResync } from './routing/ami-resync.js';
import { AstDbSync } from './routing/astdb-sync.js';
import { CallDesk } from './routing/call-desk.js';
import { DecisionProcessor } from './routing/decision-processor.js';
import { FollowMeAnnouncer } from './routing/followme-announcer.js';
import { FollowMeGuard } from './routing/followme-guard.js';
import { LivenessSweep } from './routing/liveness-sweep.js';
import { PartitionManager } from './routing/partition-manager.js';
import { PartitionRunner } from './routing/partition-runner.js';
import { partitionOf } from './routing/partitioning.js';
import { QuietPublisher } from './routing/quiet-publisher.js';
import { RingingCalls } from './routing/ringing-calls.js';
import { type LifecyclePhase, RingingRedirector } from './routing/ringing-redirector.js';
import { OwnedStateCache } from './routing/state-cache.js';

export function engineSettings(c: RouterConfig): EngineSettings {
  return {
    ...defaultEngineSettings,
    presenceTimeoutMs: c.PRESENCE_TIMEOUT_S * 1000,
    hysteresisReports: c.HYSTERESIS_REPORTS,
    hysteresisMs: c.HYSTERESIS_S * 1000,
    visibleRssiThresholdDbm: c.VISIBLE_RSSI_MIN_DBM,
    quietPresence: c.QUIET_PRESENCE,
  };
}

export interface RouterAppOptions {
  /** the routing clock (scenario windows, expiries, timeouts); tests inject one to cross an edge */
  readonly clock?: () => number;
}

export async function buildRouterApp(
  config: RouterConfig,
  logger: Logger,
  options: RouterAppOptions = {},
): Promise<ServiceApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const settings = engineSettings(config);
  const clock = options.clock ?? (() => Date.now());
  for (const warning of configWarnings(config)) logger.warn({ event: 'config_warning' }, warning);
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry('router');
  const applied = new Counter({
    name: 'sa_router_batches_total',
    help: 'committed event batches',
    registers: [metrics],
  });
  const changes = new Counter({
    name: 'sa_router_decision_changes_total',
    help: 'target changes',
    registers: [metrics],
  });
  const badEvents = new Counter({
    name: 'sa_router_undecodable_events_total',
    help: 'skipped',
    registers: [metrics],
  });
  const callLatency = new Histogram({
    name: 'sa_router_call_decision_seconds',
    help: 'CallArrived -> RouteDecision',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    registers: [metrics],
  });

  const nats = await connectNats(config, `router-${config.instanceId}`, logger);
  const redis = await connectRedis(config, logger);
  // Calls, AMI commands and ScenarioChanged use a second connection: on the consumer's
  // connection they queued behind thousands of JetStream deliveries (head-of-line blocking on one
  // TCP stream), which is what call latency measured while a backlog drained.
  const live = await connectNats(config, `router-${config.instanceId}-live`, logger);
  health.add('nats', nats.health);
  health.add('nats-live', live.health);
  health.add('redis', redis.health);
  const bus = { replicas: config.NATS_REPLICAS, logger };
  await ensurePhoneStream(nats.nc, names, bus);
  // the users bucket alone: router's bus user may read no other (never the key material)
  const buckets = { users: await openUsersBucket(nats.nc, names, bus) };

  const keys = routerKeys(config.redisKeyPrefix);
  const store = new RedisUserStateStore(redis.redis, keys, {
    callLogLength: config.CALL_LOG_LENGTH,
    callLogTtlS: config.CALL_LOG_TTL_S,
  });
  const followMe: FollowMeSettings = {
    grptime: config.FOLLOWME_GRPTIME,
    prering: config.FOLLOWME_PRERING,
    fallbackIsExtension: patternMatcher(config.FOLLOWME_INTERNAL_PATTERN),
  };
  // followme/both: the FreePBX extension list (for the `#` rule) and the repair of keys FreePBX
  // rewrote come from one AMPUSER read per FOLLOWME_VERIFY_S (routing/followme-guard.ts)
  let followMeGuard: FollowMeGuard | null = null;
  const commander = new NatsAmiCommander(live.nc, names, config.AMI_COMMAND_TIMEOUT_MS, (ext, d) =>
    targetWritePlan(
      { extension: ext, targetDial: d.targetDial, scenarioName: d.scenarioName },
      config.ASTERISK_TARGET_MODE,
      followMe,
      followMeGuard?.known() ?? null,
    ),
  );
  const ringingRedirects = new Counter({
    name: 'sa_router_ringing_redirects_total',
    help: 'still-ringing calls redirected to a changed target (REDIRECT_RINGING_ON_CHANGE), by result',
    labelNames: ['result'],
    registers: [metrics],
  });
  const ringing = config.REDIRECT_RINGING_ON_CHANGE
    ? new RingingRedirector({
        calls: new RingingCalls({
          maxCalls: config.RINGING_CALLS_MAX,
          ttlMs: config.RINGING_CALL_TTL_S * 1000,
          clock,
        }),
        ami: commander,
        store,
        logger: logger.child({ component: 'ringing' }),
        context: config.REDIRECT_CONTEXT,
        priority: config.REDIRECT_PRIORITY,
        clock,
        onRedirected: (ok) => ringingRedirects.inc({ result: ok ? 'ok' : 'failed' }),
      })
    : null;
  const sync = new AstDbSync({
    writer: commander,
    publisher: new NatsScenarioPublisher(live.nc, names),
    store,
    logger: logger.child({ component: 'astdb-sync' }),
    options: { maxInFlight: config.AMI_MAX_IN_FLIGHT, retryBaseMs: 100, retryMaxMs: 5000 },
    onWritten: (ext, d) =>
      logger.isLevelEnabled('info') &&
      logger.info(
        {
          event: 'astdb_written',
          extension: ext,
          target: d.targetDial,
          scenario: d.scenarioName,
          version: d.version,
        },
        `AstDB ${ext}/target = ${d.targetDial || '(deleted)'} (${d.scenarioName || 'no scenario'}): ${d.reason}`,
      ),
  });
  const amiResync = new AmiResync({ sync, logger: logger.child({ component: 'ami-resync' }) });
  const runners = new Map<number, PartitionRunner>();
  const cache = new OwnedStateCache(config.ROUTER_PARTITIONS);
  const rules = new KvUserConfigWatcher(buckets.users, logger.child({ component: 'users' }), (ext) => {
    const runner = runners.get(partitionOf(ext, config.ROUTER_PARTITIONS));
    if (runner)
      void runner.reevaluate([ext], RULES_CHANGED).catch((err) => logger.warn({ err }, 're-evaluate failed'));
  });
  const quietStore = config.QUIET_PRESENCE
    ? new RedisQuietPresence(redis.redis, config.SA_BUS_PREFIX, {
        visibleRssiMinDbm: settings.visibleRssiThresholdDbm,
        maxVisible: settings.maxVisibleRemembered,
      })
    : null;
  const quietOut = quietStore
    ? new QuietPublisher({ quiet: quietStore, logger: logger.child({ component: 'quiet-presence' }) })
    : null;
  const processor = new DecisionProcessor({
    ...(quietStore && quietOut && { quiet: quietStore, quietOut }),
    store,
    rules,
    effects: {
      push: (ext, p, d) => {
        changes.inc();
        sync.push(ext, p, d);
        ringing?.targetChanged(ext, d);
      },
    },
    // every applied presence report, scenario changed or not: the console's board and last seen
    reports: new NatsDeviceReportPublisher(
      live.nc,
      names,
      settings.presenceTimeoutMs,
      logger.child({ component: 'device-reports' }),
    ),
    settings,
    clock,
    logger,
    cache,
  });
  const calls = new CallDesk({
    store,
    rules,
    settings,
    clock,
    logger: logger.child({ component: 'calls' }),
    onAnswered: (ms) => callLatency.observe(ms / 1000),
    cache,
    ...(quietStore && { quiet: quietStore }),
    routed: new NatsCallRoutedPublisher(live.nc, names, logger.child({ component: 'call-history' })),
  });
  const manager = new PartitionManager({
    leases: new RedisPartitionLeases(redis.redis, keys, config.instanceId),
    partitions: config.ROUTER_PARTITIONS,
    leaseMs: config.ROUTER_LEASE_MS,
    logger,
    start: async (partition, epoch) => {
      const states = cache.open(partition);
      const runner = new PartitionRunner(partition, epoch, {
        partitions: config.ROUTER_PARTITIONS,
        processor,
        store,
        rules,
        sync,
        sweepMs: config.ROUTER_SWEEP_MS,
        clock,
        logger: logger.child({ component: 'partition', partition }),
        onFenced: () => {
          cache.close(partition, states);
          logger.warn({ partition }, 'fenced by a newer owner');
        },
        onReady: () => amiResync.partitionReady(runner),
        events: (handle) =>
          new PhonePartitionConsumer(
            nats.nc,
            names,
            {
              partition,
              partitions: config.ROUTER_PARTITIONS,
              ackWaitMs: config.ROUTER_ACK_WAIT_MS,
              batchMax: config.ROUTER_BATCH_MAX,
              pullMax: config.ROUTER_PULL_MAX,
              maxAckPending: config.ROUTER_MAX_ACK_PENDING,
              pipelineDepth: config.ROUTER_PIPELINE_DEPTH,
              durablePrefix: config.ROUTER_DURABLE,
            },
            async (b) => {
              const r = await handle(b);
              applied.inc();
              return r;
            },
            logger.child({ component: 'consumer', partition }),
            () => badEvents.inc(),
          ),
      });
      await runner.start();
      runners.set(partition, runner);
      return {
        stop: async () => {
          runners.delete(partition);
          amiResync.partitionGone(runner);
          cache.close(partition, states);
          await runner.stop();
        },
      };
    },
  });
  // quiet devices' presence timeouts: one scan per sweep instead of a wake-up per device
  const livenessSweep = quietStore
    ? new LivenessSweep({
        quiet: quietStore,
        clock,
        presenceTimeoutMs: settings.presenceTimeoutMs,
        intervalMs: config.ROUTER_SWEEP_MS,
        owns: (ext) => runners.has(partitionOf(ext, config.ROUTER_PARTITIONS)),
        reevaluate: async (exts) => {
          const byPartition = new Map<number, string[]>();
          for (const ext of exts) {
            const p = partitionOf(ext, config.ROUTER_PARTITIONS);
            const list = byPartition.get(p);
            if (list) list.push(ext);
            else byPartition.set(p, [ext]);
          }
          for (const [p, list] of byPartition) await runners.get(p)?.reevaluate(list);
        },
        logger: logger.child({ component: 'liveness-sweep' }),
      })
    : null;

  if (config.ASTERISK_TARGET_MODE !== 'astdb' && config.FOLLOWME_VERIFY_S > 0) {
    const missing = new Gauge({
      name: 'sa_router_followme_missing',
      help: "owned Follow-Me users FreePBX ignores router's keys for: no saved Follow Me, or no extension",
      labelNames: ['reason'],
      registers: [metrics],
    });
    const repairs = new Counter({
      name: 'sa_router_followme_repairs_total',
      help: 'users whose Follow-Me keys FreePBX changed (reload, page save) and router wrote again',
      registers: [metrics],
    });
    const checks = new Counter({
      name: 'sa_router_followme_checks_total',
      help: 'Follow-Me checks (one AMPUSER read each), by result',
      labelNames: ['result'],
      registers: [metrics],
    });
    // the console (admin) learns each problem from FollowMeStatusChanged, repeated every minute
    // (or every check, when checks are rarer) while it lasts: see routing/followme-announcer.ts
    const followMeLogger = logger.child({ component: 'followme' });
    const announcer = new FollowMeAnnouncer(
      new NatsFollowMePublisher(live.nc, names, followMeLogger),
      Math.max(60_000, config.FOLLOWME_VERIFY_S * 1000),
    );
    followMeGuard = new FollowMeGuard({
      reader: commander,
      store,
      owned: function* () {
        for (const extension of rules.extensions()) {
          const partition = partitionOf(extension, config.ROUTER_PARTITIONS);
          if (runners.has(partition)) yield { extension, partition };
        }
      },
      wanted: (ext, d, known) => followMeWanted(ext, d.targetDial, followMe, known),
      repair: (ext, partition, d, readAt) => sync.repair(ext, partition, d, readAt),
      writeMark: () => sync.writeCount(),
      periodMs: config.FOLLOWME_VERIFY_S * 1000,
      clock,
      logger: followMeLogger,
      onReport: (ext, report, previous) => announcer.checked(ext, report, previous),
      onChecked: (r) => {
        checks.inc({ result: r.ok ? 'ok' : 'failed' });
        repairs.inc(r.repaired);
        for (const [reason, n] of Object.entries(r.missing)) missing.set({ reason }, n);
      },
    });
  }

  const ops = buildOpsApp({
    health,
    metrics,
    logger,
    readinessDetails: () => ({ partitions: manager.ownedPartitions() }),
  });
  /** the user's decision now: their stored state evaluated at the router's clock */
  const currentOf = (stored: Awaited<ReturnType<typeof store.loadOne>>, ext: string) =>
    evaluate(stored?.state ?? emptyUserState, rules.get(ext), clock(), settings).state.decision;
  ops.get<{ Params: { ext: string } }>('/decisions/:ext', async (req) => {
    const ext = req.params.ext;
    const stored = await store.loadOne(ext);
    const current = currentOf(stored, ext);
    return {
      extension: ext,
      stored: stored?.state.decision ?? null,
      current,
      devices: stored?.state.devices ?? [],
      choice: stored?.state.choice ?? null,
      calls: await store.recentCalls(ext),
      // followme/both: 'ok' | 'no-followme' | 'not-an-extension', with the step that fixes it
      followMe: followMeGuard?.report(ext) ?? null,
    };
  });
  let unsubscribe: () => void = () => {};
  let stopDecisionAnswers: () => void = () => {};

  return {
    async start() {
      await rules.start();
      followMeGuard?.start();
      await manager.start();
      livenessSweep?.start();
      unsubscribe = subscribe(
        live.nc,
        names,
        {
          calls,
          ...(ringing && {
            onCallRouted: (call, answer) =>
              ringing.callRouted(
                call.callId ?? '',
                call.extension ?? '',
                call.channel ?? '',
                call.callerIdNum ?? '',
                answer,
              ),
            onCallLifecycle: (l) =>
              ringing.lifecycle(
                l.callId ?? '',
                l.extension ?? '',
                lifecyclePhase(l.phase),
                l.channel ?? '',
                l.destination ?? '',
              ),
          }),
          onAmiConnected: (id) => amiResync.connected(id, 'connected'),
          onAmiDisconnected: (id) => amiResync.disconnected(id),
        },
        logger,
      );
      stopDecisionAnswers = answerDecisionQueries(
        live.nc,
        names,
        async (ext) => {
          const stored = await store.loadOne(ext);
          return stored || rules.get(ext) ? currentOf(stored, ext) : null;
        },
        logger.child({ component: 'decision-query' }),
      );
      // AmiConnected is subscribed (and on the server) before ami-bridge is asked: see AmiResync
      await live.nc.flush();
      const askAmiStatus = () => queryAmiStatus(live.nc, names, config.AMI_COMMAND_TIMEOUT_MS);
      await amiResync.handshake(askAmiStatus);
      // an AmiConnected sent while this connection was down is lost: ask again after a reconnect
      live.onReconnect(() => void amiResync.afterBusReconnect(askAmiStatus));
      const address = await ops.listen({ host: config.OPS_HOST, port: config.OPS_PORT });
      logger.info(
        { event: 'listening', ops: address, partitions: manager.ownedPartitions(), users: rules.size },
        `router listening (ops ${address})`,
      );
    },
    async stop(reason) {
      logger.info({ reason }, 'router stopping');
      unsubscribe();
      stopDecisionAnswers();
      await followMeGuard?.stop();
      await ops.close();
      await livenessSweep?.stop();
      await manager.stop();
      await Promise.race([quietOut?.idle(), new Promise((r) => setTimeout(r, 1000))]);
      quietOut?.stop();
      rules.stop();
      await Promise.race([sync.idle(), new Promise((r) => setTimeout(r, 1000))]);
      sync.stop();
      commander.close();
      await live.close();
      await nats.close();
      await redis.close();
    },
  };
}

const RULES_CHANGED: readonly RouterEvent[] = [{ kind: 'rules_changed' }];

function lifecyclePhase(phase: number | null | undefined): LifecyclePhase {
  // routed by the AstDB-first dialplan or redirected by ami-bridge: either way it rings `destination`
  if (phase === v1.CallPhase.CALL_PHASE_REDIRECTED || phase === v1.CallPhase.CALL_PHASE_ROUTED)
    return 'redirected';
  if (phase === v1.CallPhase.CALL_PHASE_ANSWERED) return 'answered';
  if (phase === v1.CallPhase.CALL_PHASE_HUNG_UP) return 'hung-up';
  return 'other';
}

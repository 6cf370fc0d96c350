// Composition root: AMI client, NATS, command and status servers, call flow, ops server.
import { randomUUID } from 'node:crypto';
import { AmiClient } from '@sa/ami';
import {
  connectNats,
  createMetricsRegistry,
  HealthRegistry,
  type Logger,
  startOpsServer,
} from '@sa/platform';
import { busNames } from '@sa/proto';
import { NatsBusNotifier } from './adapters/nats/bus-notifier.js';
import { subscribeCommands } from './adapters/nats/command-server.js';
import { subscribeStatus } from './adapters/nats/status-server.js';
import { handleAmiEvent, handleCommandRedirect } from './call-flow.js';
import type { AmiBridgeConfig } from './config.js';
import { CallTracker } from './domain/call-tracker.js';
import { KeyedSerialQueue } from './domain/keyed-serial-queue.js';

export interface AmiBridgeApp {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  readonly ami: AmiClient;
  opsAddress(): string;
}

export async function buildAmiBridgeApp(config: AmiBridgeConfig, logger: Logger): Promise<AmiBridgeApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const nats = await connectNats(config, 'ami-bridge', logger);
  const amiLog = logger.child({ component: 'ami' });
  const ami = new AmiClient({
    host: config.AMI_HOST,
    port: config.AMI_PORT,
    username: config.AMI_USERNAME,
    secret: config.AMI_SECRET,
    authType: config.AMI_AUTH_TYPE,
    events: config.AMI_EVENT_MASK,
    actionTimeoutMs: config.AMI_ACTION_TIMEOUT_MS,
    connectTimeoutMs: Math.max(2000, config.AMI_ACTION_TIMEOUT_MS),
    keepaliveMs: config.AMI_KEEPALIVE_MS,
    reconnect: { maxDelayMs: config.AMI_RECONNECT_MAX_MS },
  });
  const bridgeId = randomUUID();
  const bus = new NatsBusNotifier(nats.nc, names, bridgeId);
  const tracker = new CallTracker({ userEvent: config.CALL_USER_EVENT, context: config.CALL_CONTEXT });
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry('ami-bridge');
  health.add('nats', nats.health);
  health.add('ami', () => ({ status: ami.state === 'ready' ? 'up' : 'down', detail: ami.state }));

  ami.on('state', (state, previous) =>
    amiLog.info({ event: 'ami_state', state, previous }, `ami ${previous} -> ${state}`),
  );
  ami.on('connected', ({ banner, session }) => {
    amiLog.info(
      { event: 'ami_connected', banner, session, host: config.AMI_HOST, port: config.AMI_PORT },
      'ami connected',
    );
    bus.amiConnected(banner, session);
  });
  ami.on('disconnected', ({ reason, session }) => {
    amiLog.warn({ event: 'ami_disconnected', reason, session }, 'ami disconnected');
    bus.amiDisconnected(reason, session);
  });
  ami.on('loginFailed', (err) =>
    amiLog.error({ event: 'ami_login_failed', code: err.code, username: config.AMI_USERNAME }, err.message),
  );
  ami.on('protocolError', (err) =>
    amiLog.warn({ event: 'ami_protocol_error', code: err.code, ...err.context }, err.message),
  );
  const flow = {
    ami,
    bus,
    tracker,
    logger: logger.child({ component: 'calls' }),
    decisionTimeoutMs: config.CALL_DECISION_TIMEOUT_MS,
    redirectContext: config.REDIRECT_CONTEXT,
    redirectPriority: config.REDIRECT_PRIORITY,
  };
  ami.on('event', (e) => handleAmiEvent(flow, e));

  let commands: { stop(): void } | undefined;
  let status: { stop(): void } | undefined;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  return {
    ami,
    opsAddress: () => ops?.address ?? '',
    async start() {
      ops = await startOpsServer({
        host: config.OPS_HOST,
        port: config.OPS_PORT,
        health,
        metrics,
        logger,
        readinessDetails: () => ({ ami: ami.state, session: ami.session }),
      });
      commands = subscribeCommands({
        nc: nats.nc,
        names,
        ami,
        queue: new KeyedSerialQueue(),
        logger,
        defaultTimeoutMs: config.AMI_ACTION_TIMEOUT_MS,
        onRedirected: (channel, exten) => handleCommandRedirect(flow, channel, exten),
      });
      status = subscribeStatus({
        nc: nats.nc,
        names,
        bridgeId,
        status: () => ({ connected: ami.state === 'ready', session: ami.session, banner: ami.banner }),
      });
      // The status subscription must be on the server before AmiConnected can be published: then a
      // status request that finds no responders implies AmiConnected is still to come (router's
      // start-up handshake relies on it; see docs/asterisk.md).
      await nats.nc.flush();
      ami.start();
      logger.info(
        { event: 'listening', ops: ops.address, ami: `${config.AMI_HOST}:${config.AMI_PORT}`, bridgeId },
        'ami-bridge listening',
      );
    },
    async stop(reason) {
      commands?.stop();
      status?.stop();
      await ops?.close();
      await ami.close();
      await nats.close();
      logger.info({ event: 'stopped', reason }, 'ami-bridge stopped');
    },
  };
}

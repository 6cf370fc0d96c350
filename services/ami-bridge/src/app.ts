// Composition root: AMI client, NATS, command and status servers, call flow, ops server.
import { randomUUID } from 'node:crypto';
import type { AmiClient } from '@sa/ami';
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
import { createAmiClient, reportAmiConnection } from './wiring/ami-connection.js';

export interface AmiBridgeApp {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  readonly ami: AmiClient;
  opsAddress(): string;
}

export async function buildAmiBridgeApp(config: AmiBridgeConfig, logger: Logger): Promise<AmiBridgeApp> {
  const names = busNames(config.SA_BUS_PREFIX);
  const nats = await connectNats(config, 'ami-bridge', logger);
  const ami = createAmiClient(config);
  const bridgeId = randomUUID();
  const bus = new NatsBusNotifier(nats.nc, names, bridgeId);
  const tracker = new CallTracker({ userEvent: config.CALL_USER_EVENT, context: config.CALL_CONTEXT });
  const health = new HealthRegistry();
  const metrics = createMetricsRegistry('ami-bridge');
  health.add('nats', nats.health);
  health.add('ami', () => ({ status: ami.state === 'ready' ? 'up' : 'down', detail: ami.state }));

  reportAmiConnection(ami, bus, config, logger);
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

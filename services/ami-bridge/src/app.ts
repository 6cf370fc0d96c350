// Composition root: AMI client, NATS, the active bridge (command and status servers, AMI login) and
// its role (always active, or active/standby on a Redis lease), call flow, ops server.
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
import { handleAmiEvent } from './call-flow.js';
import type { AmiBridgeConfig } from './config.js';
import { CallTracker } from './domain/call-tracker.js';
import { startActiveBridge } from './wiring/active-bridge.js';
import { createAmiClient, reportAmiConnection } from './wiring/ami-connection.js';
import { buildBridgeRole } from './wiring/bridge-role.js';

export interface AmiBridgeApp {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  readonly ami: AmiClient;
  opsAddress(): string;
  /** active, or standby while another bridge holds the PBX's lease (AMI_BRIDGE_HA) */
  role(): string;
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
  const activate = () =>
    startActiveBridge({
      nc: nats.nc,
      names,
      ami,
      bridgeId,
      actionTimeoutMs: config.AMI_ACTION_TIMEOUT_MS,
      flow,
      logger,
    });
  const role = await buildBridgeRole(config, logger, bridgeId, activate).catch(async (err) => {
    await nats.close();
    throw err;
  });
  health.add('nats', nats.health);
  if (role.redisHealth) health.add('redis', role.redisHealth);
  // a standby is not logged in on purpose: it is ready for its job, which is waiting
  health.add('ami', () =>
    role.role() === 'standby'
      ? { status: 'up', detail: 'standby' }
      : { status: ami.state === 'ready' ? 'up' : 'down', detail: ami.state },
  );

  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  return {
    ami,
    opsAddress: () => ops?.address ?? '',
    role: () => role.role(),
    async start() {
      ops = await startOpsServer({
        host: config.OPS_HOST,
        port: config.OPS_PORT,
        health,
        metrics,
        logger,
        readinessDetails: () => ({ role: role.role(), ami: ami.state, session: ami.session }),
      });
      await role.start();
      logger.info(
        {
          event: 'listening',
          ops: ops.address,
          ami: `${config.AMI_HOST}:${config.AMI_PORT}`,
          bridgeId,
          role: role.role(),
        },
        'ami-bridge listening',
      );
    },
    async stop(reason) {
      await role.stop();
      await ops?.close();
      await nats.close();
      logger.info({ event: 'stopped', reason }, 'ami-bridge stopped');
    },
  };
}

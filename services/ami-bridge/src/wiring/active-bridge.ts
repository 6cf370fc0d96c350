// What the active bridge runs: the command and status subscriptions, then the AMI login. A single
// bridge starts it once; under active/standby (ha-role.ts) it starts on winning the lease and stops
// on losing it. stop() unsubscribes at once (synchronously), then logs off AMI.
import type { AmiClient } from '@sa/ami';
import type { Logger, NatsConnection } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { subscribeCommands } from '../adapters/nats/command-server.js';
import { subscribeStatus } from '../adapters/nats/status-server.js';
import { type CallFlowDeps, handleCommandRedirect } from '../call-flow.js';
import { KeyedSerialQueue } from '../domain/keyed-serial-queue.js';
import type { ActiveBridge } from './ha-role.js';

export interface ActiveBridgeDeps {
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly ami: AmiClient;
  readonly bridgeId: string;
  readonly actionTimeoutMs: number;
  readonly flow: CallFlowDeps;
  readonly logger: Logger;
}

export async function startActiveBridge(d: ActiveBridgeDeps): Promise<ActiveBridge> {
  const { ami } = d;
  const commands = subscribeCommands({
    nc: d.nc,
    names: d.names,
    ami,
    queue: new KeyedSerialQueue(),
    logger: d.logger,
    defaultTimeoutMs: d.actionTimeoutMs,
    onRedirected: (channel, exten) => handleCommandRedirect(d.flow, channel, exten),
  });
  const status = subscribeStatus({
    nc: d.nc,
    names: d.names,
    bridgeId: d.bridgeId,
    status: () => ({ connected: ami.state === 'ready', session: ami.session, banner: ami.banner }),
  });
  // The status subscription must be on the server before AmiConnected can be published: then a
  // status request that finds no responders implies AmiConnected is still to come (router's
  // start-up handshake relies on it; see docs/asterisk.md).
  await d.nc.flush();
  ami.start();
  return {
    async stop() {
      commands.stop();
      status.stop();
      await ami.close();
    },
  };
}

// The AMI client, built from config, with every connection transition logged (STYLE §8) and the
// connected/disconnected ones announced on the bus, which router's resync relies on.
import { AmiClient } from '@sa/ami';
import type { Logger } from '@sa/platform';
import type { NatsBusNotifier } from '../adapters/nats/bus-notifier.js';
import type { AmiBridgeConfig } from '../config.js';

export function createAmiClient(config: AmiBridgeConfig): AmiClient {
  return new AmiClient({
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
}

export function reportAmiConnection(
  ami: AmiClient,
  bus: Pick<NatsBusNotifier, 'amiConnected' | 'amiDisconnected'>,
  config: AmiBridgeConfig,
  logger: Logger,
): void {
  const amiLog = logger.child({ component: 'ami' });
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
}

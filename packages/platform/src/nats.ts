// NATS connection factory: fails fast with a named error at start-up, then reconnects forever and
// logs every status transition.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DependencyUnavailableError, redactUrl } from './errors.js';
import type { HealthReport } from './health.js';
import type { Logger } from './logger.js';

export type { NatsConnection } from '@nats-io/transport-node';

export interface NatsClient {
  readonly nc: NatsConnection;
  health(): HealthReport;
  /**
   * Calls `listener` after every reconnect: core-NATS messages published while the connection was
   * down are lost, so state learnt from events must be asked for again.
   */
  onReconnect(listener: () => void): void;
  /** Drains subscriptions (in-flight handlers finish) and closes. */
  close(): Promise<void>;
}

export async function connectNats(url: string, name: string, logger: Logger): Promise<NatsClient> {
  const log = logger.child({ component: 'nats' });
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name,
      timeout: 3000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      reconnectJitter: 250,
      pingInterval: 10_000,
      maxPingOut: 3,
    });
  } catch (cause) {
    throw new DependencyUnavailableError(
      'NATS',
      'NATS_URL',
      redactUrl(url),
      'start it with `nats-server -js` or point NATS_URL at a running server',
      { cause },
    );
  }
  let state: 'connected' | 'reconnecting' | 'closed' = 'connected';
  const reconnectListeners: (() => void)[] = [];
  log.info({ server: nc.getServer() }, 'nats connected');
  void (async () => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
        case 'reconnecting':
          if (state !== 'reconnecting') log.warn({ event: s.type }, 'nats disconnected, reconnecting');
          state = 'reconnecting';
          break;
        case 'reconnect':
          state = 'connected';
          log.info({ server: nc.getServer() }, 'nats reconnected');
          for (const l of reconnectListeners) l();
          break;
        case 'error':
          log.warn({ event: s.type, err: String(s.error) }, 'nats error');
          break;
        case 'slowConsumer':
          log.warn({ event: s.type, sub: s.sub.getSubject() }, 'nats slow consumer');
          break;
        default:
          break;
      }
    }
  })();
  void nc.closed().then(() => {
    state = 'closed';
  });
  return {
    nc,
    health: () => ({ status: state === 'connected' ? 'up' : 'down', detail: state }),
    onReconnect: (listener) => void reconnectListeners.push(listener),
    close: async () => {
      if (nc.isClosed()) return;
      await nc.drain();
      await nc.closed();
      log.info('nats drained and closed');
    },
  };
}

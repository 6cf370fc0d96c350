// NATS connection factory: fails fast with a named error at start-up, then reconnects forever and
// logs every status transition.
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
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

/**
 * Where and as whom to connect (commonEnv). With NATS_USER the client logs in with that user and password
 * and takes `_INBOX.<user>` as its inbox prefix: the shipped permissions (deploy/nats/smartassistant-auth.conf)
 * let each user subscribe to its own inboxes only, so no service reads another's replies.
 */
export interface NatsSettings {
  /** one URL, or a cluster's URLs comma-separated */
  readonly NATS_URL: string;
  readonly NATS_USER?: string | undefined;
  readonly NATS_PASSWORD?: string | undefined;
}

/** The inbox prefix a connection as `user` uses (and the shipped permissions allow it). */
export function inboxPrefixFor(user: string | undefined): string {
  return user ? `_INBOX.${user}` : '_INBOX';
}

/** A new inbox subject under this connection's inbox prefix (use it instead of a bare `createInbox()`). */
export function connectionInbox(nc: NatsConnection): string {
  return createInbox((nc as NatsConnection & { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
}

export async function connectNats(
  settings: string | NatsSettings,
  name: string,
  logger: Logger,
): Promise<NatsClient> {
  const {
    NATS_URL: url,
    NATS_USER: user,
    NATS_PASSWORD: pass,
  } = typeof settings === 'string' ? { NATS_URL: settings } : settings;
  const log = logger.child({ component: 'nats' });
  let nc: NatsConnection;
  try {
    nc = await connect({
      // every node of a cluster: the client starts on one and moves to another when it fails
      servers: url.split(',').map((u) => u.trim()),
      name,
      ...(user ? { user, pass, inboxPrefix: inboxPrefixFor(user) } : {}),
      timeout: 3000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      reconnectJitter: 250,
      pingInterval: 10_000,
      maxPingOut: 3,
    });
  } catch (cause) {
    // a refused login names the credential settings, never their values
    const refused = /authoriz|authentication/i.test(String(cause));
    throw new DependencyUnavailableError(
      'NATS',
      refused ? 'NATS_USER / NATS_PASSWORD' : 'NATS_URL',
      url.split(',').map(redactUrl).join(','),
      'start it with `nats-server -js` or point NATS_URL at a running server',
      { cause },
    );
  }
  let state: 'connected' | 'reconnecting' | 'closed' = 'connected';
  const reconnectListeners: (() => void)[] = [];
  log.info({ server: nc.getServer(), user: user ?? null }, 'nats connected');
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
          // a refused subject (the bus user's permissions) names the subject; the error alone says what
          if (s.error instanceof Error && s.error.name === 'PermissionViolationError')
            log.warn({ event: 'permission_refused', err: s.error }, `nats refused: ${s.error.message}`);
          else log.warn({ event: s.type, err: s.error }, 'nats error');
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

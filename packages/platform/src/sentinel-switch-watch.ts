// Follows a Sentinel failover at once. The sentinels promote the replica straight away, but demote the
// old primary only on their next INFO round (about 10 s later); until then that old primary still
// takes writes, and its demotion throws them away (the chaos test lost moves and leases that way).
// Every sentinel announces the promotion on its +switch-master channel: on it, the client drops its
// connection and asks the sentinels for the primary again. (ioredis' own failoverDetector does the
// same, but its quit() leaks the sentinel connections, which then retry forever.)
import { Redis } from 'ioredis';
import type { HostPort } from './config.js';
import type { Logger } from './logger.js';

export interface SentinelSwitchWatch {
  close(): void;
}

/** `+switch-master <name> <old-ip> <old-port> <new-ip> <new-port>`: the new primary, if it is ours. */
function switchedTo(message: string, name: string): string | null {
  const [master, , , ip, port] = message.split(' ');
  return master === name && ip && port ? `${ip}:${port}` : null;
}

export function watchSentinelSwitch(options: {
  readonly sentinels: readonly HostPort[];
  readonly name: string;
  readonly sentinelPassword?: string | undefined;
  readonly retryStrategy: (times: number) => number;
  readonly logger: Logger;
  /** runs once per failover (every sentinel announces it; repeats within 5 s are dropped) */
  readonly onSwitch: (primary: string) => void;
}): SentinelSwitchWatch {
  let last: { primary: string; atMs: number } | null = null;
  const connections = options.sentinels.map((sentinel) => {
    const connection = new Redis({
      host: sentinel.host,
      port: sentinel.port,
      ...(options.sentinelPassword ? { password: options.sentinelPassword } : {}),
      retryStrategy: options.retryStrategy,
      maxRetriesPerRequest: null,
    });
    // a sentinel that is down is retried quietly: the others still announce the switch
    connection.on('error', () => {});
    connection.subscribe('+switch-master').catch(() => {});
    connection.on('message', (_channel: string, message: string) => {
      const primary = switchedTo(message, options.name);
      if (!primary) return;
      const now = Date.now();
      if (last && last.primary === primary && now - last.atMs < 5000) return;
      last = { primary, atMs: now };
      options.logger.warn({ event: 'redis_failover', primary }, `redis primary is now ${primary}`);
      options.onSwitch(primary);
    });
    return connection;
  });
  return {
    close: () => {
      for (const c of connections) c.disconnect();
    },
  };
}

// Runs the Redis containers of deploy/compose.cluster.yaml (primary, replica, three sentinels) the way
// their containers do, from the resolved `sh -c` commands and environments, with this machine's
// redis-server: the compose host names become 127.0.0.1, each server gets a free port and a temporary
// directory, and two stand-ins replace what only the image has (`docker-entrypoint.sh` runs its
// arguments; `chown redis:redis` does nothing, the tests run as one user).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePorts, waitFor } from '@sa/testkit';

export interface RedisContainer {
  /** the compose service name (redis-primary, redis-replica, redis-sentinel-<n>) */
  readonly name: string;
  /** the resolved `command` of the container (run by `/bin/sh -c`) */
  readonly command: string;
  readonly environment: Record<string, string>;
}

export interface ComposeRedis {
  readonly ports: Record<string, number>;
  /** redis-cli against `port` with `password` (undefined: without logging in); stdout, trimmed */
  cli(port: number, password: string | undefined, ...args: string[]): string;
  stop(): Promise<void>;
}

/** `redisServer`: the path of redis-server; redis-cli is taken from beside it. */
export async function runComposeRedis(
  redisServer: string,
  containers: readonly RedisContainer[],
): Promise<ComposeRedis> {
  const bin = dirname(redisServer);
  const dir = mkdtempSync(join(tmpdir(), 'sa-compose-redis-'));
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  stub('docker-entrypoint.sh', 'exec "$@"');
  stub('chown', 'exit 0');
  const free = await freePorts(containers.length);
  const ports = Object.fromEntries(containers.map((c, i) => [c.name, free[i] as number]));
  const primaryPort = ports['redis-primary'] as number;
  const local = (text: string) => text.replaceAll('redis-primary 6379', `127.0.0.1 ${primaryPort}`);
  const children: ChildProcess[] = [];
  for (const c of containers) {
    const own = join(dir, c.name);
    mkdirSync(own);
    const sentinel = c.name.includes('sentinel');
    const command = local(c.command.replaceAll('$$', '$'))
      .replaceAll('/tmp/auth.conf', join(own, 'auth.conf'))
      .replaceAll('/data/sentinel.conf', join(own, 'sentinel.conf'))
      .replace("'port 26379'", `'port ${ports[c.name]}'`);
    const environment = {
      ...c.environment,
      REDIS_HOST: '127.0.0.1',
      REDIS_ROLE: local(c.environment.REDIS_ROLE ?? ''),
    };
    const child = spawn(
      '/bin/sh',
      ['-c', sentinel ? command : `${command} --port ${ports[c.name]} --dir ${own}`],
      {
        env: { ...environment, PATH: `${dir}:${bin}:/usr/bin:/bin` },
        stdio: 'ignore',
      },
    );
    children.push(child);
  }
  const cli = (port: number, password: string | undefined, ...args: string[]) =>
    spawnSync(join(bin, 'redis-cli'), ['-p', String(port), ...args], {
      env: { PATH: '/usr/bin:/bin', ...(password && { REDISCLI_AUTH: password }) },
      encoding: 'utf8',
      timeout: 5000,
    }).stdout.trim();
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of Object.values(ports)) {
      await waitFor(() => cli(port, undefined, 'PING') !== '', { what: `redis on ${port} to answer` });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, cli, stop };
}

// Resolves the NATS, Redis and Postgres URLs for a test run: an explicit env URL wins; otherwise the
// local default server if it answers; otherwise, when a Docker engine is available, a container
// started with testcontainers (stopped again by `stop()`).
import { connect } from 'node:net';
import { TEST_IMAGES } from './images.js';

export interface TestServers {
  readonly env: { NATS_URL: string; REDIS_URL: string; DATABASE_URL: string };
  /** where each URL came from: 'env' | 'local' | 'container' */
  readonly sources: Record<'nats' | 'redis' | 'postgres', 'env' | 'local' | 'container'>;
  stop(): Promise<void>;
}

const LOCAL = {
  nats: { url: 'nats://127.0.0.1:4222', port: 4222 },
  redis: { url: 'redis://127.0.0.1:6379', port: 6379 },
  postgres: { url: 'postgres://root@127.0.0.1:5432/test', port: 5432 },
};

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export async function ensureTestServers(
  source: Readonly<Record<string, string | undefined>> = process.env,
): Promise<TestServers> {
  const stops: Array<() => Promise<unknown>> = [];
  const sources = {} as TestServers['sources'];
  const resolveOne = async (
    kind: 'nats' | 'redis' | 'postgres',
    envVar: 'NATS_URL' | 'REDIS_URL' | 'DATABASE_URL',
    start: () => Promise<{ url: string; stop: () => Promise<unknown> }>,
  ): Promise<string> => {
    const given = source[envVar];
    if (given) {
      sources[kind] = 'env';
      return given;
    }
    if (await portAnswers(LOCAL[kind].port)) {
      sources[kind] = 'local';
      return LOCAL[kind].url;
    }
    if (!(await dockerAvailable())) {
      throw new Error(
        `${envVar} is not set, nothing answers on 127.0.0.1:${LOCAL[kind].port} and no Docker engine is available: start ${kind} locally or set ${envVar}`,
      );
    }
    const started = await start();
    stops.push(started.stop);
    sources[kind] = 'container';
    return started.url;
  };

  const nats = await resolveOne('nats', 'NATS_URL', async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    const c = await new GenericContainer(TEST_IMAGES.nats)
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    return { url: `nats://${c.getHost()}:${c.getMappedPort(4222)}`, stop: () => c.stop() };
  });
  const redis = await resolveOne('redis', 'REDIS_URL', async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    const c = await new GenericContainer(TEST_IMAGES.redis)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    return { url: `redis://${c.getHost()}:${c.getMappedPort(6379)}`, stop: () => c.stop() };
  });
  const postgres = await resolveOne('postgres', 'DATABASE_URL', async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    const c = await new GenericContainer(TEST_IMAGES.postgres)
      .withEnvironment({ POSTGRES_USER: 'root', POSTGRES_DB: 'test', POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return { url: `postgres://root@${c.getHost()}:${c.getMappedPort(5432)}/test`, stop: () => c.stop() };
  });
  return {
    env: { NATS_URL: nats, REDIS_URL: redis, DATABASE_URL: postgres },
    sources,
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => {})));
    },
  };
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

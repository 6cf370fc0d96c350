// The operations endpoint every service exposes: /healthz (alive), /readyz (dependencies up),
// /metrics (Prometheus). Kept off the service's public port.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from './health.js';
import type { Logger } from './logger.js';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly health: HealthRegistry;
  readonly metrics: Registry;
  readonly logger: Logger;
  /** extra detail merged into /readyz (e.g. "default key in use") */
  readonly readinessDetails?: () => Record<string, unknown>;
}

export interface OpsServer {
  readonly address: string;
  close(): Promise<void>;
}

export function buildOpsApp(options: Omit<OpsServerOptions, 'host' | 'port'>): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const result = await options.health.evaluate();
    const details = options.readinessDetails?.() ?? {};
    reply.code(result.ready ? 200 : 503);
    return { status: result.ready ? 'ready' : 'not_ready', checks: result.checks, details };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', options.metrics.contentType);
    return options.metrics.metrics();
  });
  return app;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = buildOpsApp(options);
  const address = await app.listen({ host: options.host, port: options.port });
  options.logger.info({ component: 'ops', address }, `ops endpoint listening on ${address}`);
  return { address, close: () => app.close() };
}

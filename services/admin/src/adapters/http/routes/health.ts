// GET /health: liveness plus a database round trip, without a session (load balancers, monitors).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Liveness plus a database round trip (no auth)',
        security: [],
        response: { 200: Type.Object({ status: Type.String() }), ...errors },
      },
    },
    async () => {
      await deps.ping();
      return { status: 'ok' };
    },
  );
}

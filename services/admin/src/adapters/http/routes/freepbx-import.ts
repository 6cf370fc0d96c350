// POST /import/freepbx: FreePBX Misc Destinations named SMART-* / <ext>-* become destinations.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AdminError } from '../../../errors.js';
import { actorOf } from '../auth.js';
import { errors } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerFreepbxImportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/import/freepbx',
    {
      schema: {
        tags: ['import'],
        summary: 'Import FreePBX Misc Destinations named SMART-* / <ext>-* (dryRun lists without writing)',
        body: Type.Object(
          {
            url: Type.Optional(Type.String({ maxLength: 200, pattern: '^mysql://[A-Za-z0-9_.:@%/-]+$' })),
            dryRun: Type.Boolean({ default: false }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            created: Type.Array(Type.String()),
            skipped: Type.Array(Type.Object({ name: Type.String(), reason: Type.String() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      if (!deps.freepbx) throw new AdminError('ADMIN_IMPORT_FAILED', 'FreePBX import is not configured');
      return deps.freepbx.run(actorOf(request), {
        dryRun: request.body.dryRun,
        ...(request.body.url ? { url: request.body.url } : {}),
      });
    },
  );
}

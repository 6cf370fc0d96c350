// POST /devices/:deviceId/reset-replay: forget the highest counter ingest accepted from a device
// (docs/protocol.md section 6), for a phone refused as `replay` after its counter ran ahead, e.g. a
// forged packet, a phone clock set in the future, or an app that counts 1, 2, 3... reinstalled.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { DeviceId, errors } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export function registerReplayRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/devices/:deviceId/reset-replay',
    {
      schema: {
        tags: ['devices'],
        summary:
          "Reset the device's replay state in ingest: its next counter is accepted as a first one (audited; needs ingest running)",
        params: Type.Object({ deviceId: DeviceId }),
        response: {
          200: Type.Object({
            deviceId: Type.String(),
            hadState: Type.Boolean({ description: 'false: ingest remembered no counter for it' }),
            highestCounter: Type.Union([Type.Integer(), Type.Null()], {
              description: 'the highest accepted counter ingest forgot',
            }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { deviceId } = request.params;
      await deps.devices.get(deviceId); // ADMIN_DEVICE_NOT_FOUND for an unknown id
      return deps.replay.reset(actorOf(request), deviceId);
    },
  );
}

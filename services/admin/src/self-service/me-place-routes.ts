// /me/places: the user's own places (editable) and the shared ones (read-only). A browser cannot
// read Wi-Fi, so a place is made from a typed network name (SSID) and/or access point address
// (BSSID). Changing a place renames it and/or adds a network, as the phone's "remember this place".
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../adapters/http/schemas.js';
import { AdminError, invalid } from '../errors.js';
import type { PlaceInput } from '../own-data/own-data-rules.js';
import { IdParams, OwnPlace, OwnPlaceIn } from './me-schemas.js';
import { actorOfUser, type SelfServiceDeps } from './self-service-deps.js';

type PlaceBody = { name?: string; ssid?: string; bssid?: string };

/** The repository's input for a typed network; `fallback` (the place's own first network) for a rename. */
export function placeInput(
  body: PlaceBody,
  id?: string,
  fallback?: { ssid: string; bssid: string },
): PlaceInput {
  const ssid = body.ssid ?? '';
  const bssid = body.bssid ?? '';
  const named = { ...(id ? { id } : {}), ...(body.name ? { name: body.name } : {}) };
  if (ssid && bssid) return { ...named, ssid, bssid, match: 'ssid_and_bssid' };
  if (ssid) return { ...named, ssid, bssid: '', match: 'ssid' };
  if (bssid) return { ...named, ssid: '', bssid, match: 'bssid' };
  if (fallback) return placeInput({ ...fallback, ...(body.name ? { name: body.name } : {}) }, id);
  throw invalid('ssid', 'type the network name (SSID), the access point address (BSSID) or both');
}

export function registerPlaceRoutes(me: FastifyInstance, deps: SelfServiceDeps): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['self-service'];

  api.get(
    '/places',
    {
      schema: {
        tags,
        summary: 'Your own places, then the shared ones (read-only)',
        response: { 200: Type.Object({ items: Type.Array(OwnPlace) }), ...errors },
      },
    },
    async (request) => ({ items: await deps.ownData.places(request.selfServiceUser!) }),
  );

  api.post(
    '/places',
    {
      schema: {
        tags,
        summary: 'Create a place of your own from a network name and/or access point address',
        body: OwnPlaceIn,
        response: { 201: OwnPlace, ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      if (!request.body.name) throw invalid('name', 'required');
      const saved = await deps.ownData.savePlace(actorOfUser(extension), extension, placeInput(request.body));
      return reply.code(201).send(saved);
    },
  );

  api.put(
    '/places/:id',
    {
      schema: {
        tags,
        summary: 'Rename one of your places and/or add a network to it',
        params: IdParams,
        body: OwnPlaceIn,
        response: { 200: OwnPlace, ...errors },
      },
    },
    async (request) => {
      const extension = request.selfServiceUser!;
      const { id } = request.params;
      const own = (await deps.ownData.places(extension)).find((p) => p.id === id && !p.shared);
      if (!own)
        throw new AdminError('ADMIN_LOCATION_NOT_FOUND', `id: no place ${id} of yours`, { field: 'id' });
      const first = { ssid: own.ssids[0] ?? '', bssid: own.bssids[0] ?? '' };
      return deps.ownData.savePlace(actorOfUser(extension), extension, placeInput(request.body, id, first));
    },
  );

  api.delete(
    '/places/:id',
    {
      schema: {
        tags,
        summary: 'Delete one of your places (refused while a scenario uses it)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      await deps.ownData.deletePlace(actorOfUser(extension), extension, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

// Per-device enrolment: (re-)issue a device's own key and show it once as text and QR code, revoke
// its keys, print an enrolment sheet for many devices, and turn the server keys off for good.
// Administrator-only (the role check denies helpdesk every route it does not list).

import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatEnrolment } from '@sa/phone-protocol';
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { IssuedKey } from '../../pg/device-keys-repo.js';
import { MAX_SHEET_DEVICES } from '../../pg/device-keys-repo.js';
import { actorOf } from '../auth.js';
import { Device, DeviceId, Enrolment, errors } from '../schemas.js';
import type { EnrolmentDeps, Provisioning } from './route-deps.js';

export const KeyMode = Type.Union([Type.Literal('device_key'), Type.Literal('server_key')]);

/** Longest overlap a re-enrolment may give the old key: 30 days, as for server keys. */
const Overlap = Type.Integer({
  minimum: 0,
  maximum: 30 * 86400,
  default: 0,
  description: 'seconds the previous key stays accepted (0: revoked at once)',
});

/** The enrolment payload (the text a QR code carries) for a key just issued. */
export function enrolmentPayload(issued: IssuedKey, p: Provisioning): string {
  return formatEnrolment({
    deviceId: issued.deviceId,
    extension: issued.extension,
    keyId: issued.keyId,
    secret: issued.secret,
    hosts: [p.publicHost, ...(p.alternateHosts ?? [])],
    port: p.publicPort,
    knock: p.knockSequence,
  });
}

/** The payload and its QR code for a key just issued. */
export async function enrolmentOf(issued: IssuedKey, p: Provisioning) {
  const payload = enrolmentPayload(issued, p);
  return {
    deviceId: issued.deviceId,
    extension: issued.extension,
    keyId: issued.keyId,
    payload,
    dataUrl: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
  };
}

const Params = Type.Object({ deviceId: DeviceId });
const ServerKeyStatus = Type.Object({
  serverKeysDisabled: Type.Boolean(),
  devicesOnServerKey: Type.Integer(),
});
export const DISABLE_CONFIRMATION = 'turn off server keys';

const tags = ['enrolment'];

const enrolSchema = {
  tags,
  summary:
    'Issue the device a new own key (enrols a server-key device); the answer carries the secret once. The previous key stays accepted for overlapSeconds',
  params: Params,
  body: Type.Object({ overlapSeconds: Overlap }, { additionalProperties: false }),
  response: { 200: Type.Object({ device: Device, enrolment: Enrolment }), ...errors },
};

const revokeSchema = {
  tags,
  summary: 'Retire every key of the device at once: it is refused until enrolled again',
  params: Params,
  response: {
    200: Type.Object({ device: Device, revokedKeyIds: Type.Array(Type.Integer()) }),
    ...errors,
  },
};

const DeviceKey = Type.Object({
  keyId: Type.Integer(),
  state: Type.Union([Type.Literal('active'), Type.Literal('retiring'), Type.Literal('retired')]),
  notAfter: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

const keysSchema = {
  tags,
  summary: "The device's own keys, newest first (never secrets)",
  params: Params,
  response: { 200: Type.Object({ items: Type.Array(DeviceKey) }), ...errors },
};

const sheetSchema = {
  tags,
  summary: `(Re-)enrol up to ${MAX_SHEET_DEVICES} devices at once and return one QR code each, for a printed sheet`,
  body: Type.Object(
    {
      deviceIds: Type.Array(DeviceId, { minItems: 1, maxItems: MAX_SHEET_DEVICES, uniqueItems: true }),
      overlapSeconds: Overlap,
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      items: Type.Array(
        Type.Intersect([Enrolment, Type.Object({ displayName: Type.String(), label: Type.String() })]),
      ),
    }),
    ...errors,
  },
};

const disableSchema = {
  tags: ['keys'],
  summary: `Turn the server keys off for good (confirm: "${DISABLE_CONFIRMATION}"); refused while devices use them unless force`,
  body: Type.Object(
    { confirm: Type.Literal(DISABLE_CONFIRMATION), force: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  response: { 200: ServerKeyStatus, ...errors },
};

export function registerEnrolmentRoutes(app: FastifyInstance, deps: EnrolmentDeps): void {
  registerDeviceKeyRoutes(app, deps);
  registerServerKeyRoutes(app, deps);
}

/** One device's own keys: enrol, revoke, list; and the enrolment sheet for many devices. */
function registerDeviceKeyRoutes(app: FastifyInstance, deps: EnrolmentDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/devices/:deviceId/enrol', { schema: enrolSchema }, async (request) => {
    const [issued] = await deps.deviceKeys.enrol(
      actorOf(request),
      [request.params.deviceId],
      request.body.overlapSeconds,
    );
    const device = await deps.devices.get(request.params.deviceId);
    return {
      device: deps.deviceWithSeen(device),
      enrolment: await enrolmentOf(issued!, deps.provisioning),
    };
  });

  api.post('/devices/:deviceId/revoke-keys', { schema: revokeSchema }, async (request) => {
    const { revokedKeyIds } = await deps.deviceKeys.revoke(actorOf(request), request.params.deviceId);
    const device = await deps.devices.get(request.params.deviceId);
    return { device: deps.deviceWithSeen(device), revokedKeyIds };
  });

  api.get('/devices/:deviceId/keys', { schema: keysSchema }, async (request) => {
    await deps.devices.get(request.params.deviceId);
    return { items: await deps.deviceKeys.list(request.params.deviceId) };
  });

  api.post('/devices/enrolment-sheet', { schema: sheetSchema }, async (request) => {
    const issued = await deps.deviceKeys.enrol(
      actorOf(request),
      request.body.deviceIds,
      request.body.overlapSeconds,
    );
    const items = [];
    for (const k of issued) {
      items.push({
        ...(await enrolmentOf(k, deps.provisioning)),
        displayName: k.displayName,
        label: k.label,
      });
    }
    return { items };
  });
}

/** /keys/server-keys: whether the shared server keys are still on, and turning them off for good. */
function registerServerKeyRoutes(app: FastifyInstance, deps: EnrolmentDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/keys/server-keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Whether the server keys are off, and how many devices still use them',
        response: { 200: ServerKeyStatus, ...errors },
      },
    },
    async () => deps.deviceKeys.status(),
  );

  api.post('/keys/server-keys/disable', { schema: disableSchema }, async (request) =>
    deps.deviceKeys.disableServerKeys(actorOf(request), request.body.force ?? false),
  );
}

// /devices: registration, licence upload and the provisioning QR code. Every device carries when
// router last applied a report of it and whether that is within router's presence timeout (from the
// presence board: a map lookup, no query).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { AdminError, invalid } from '../../../errors.js';
import type { DeviceView } from '../../pg/devices-repo.js';
import { actorOf } from '../auth.js';
import {
  Cursor,
  Device,
  DeviceId,
  Enrolment,
  Extension,
  ExtensionPrefix,
  errors,
  Label,
  Limit,
  Offset,
  WifiMacs,
} from '../schemas.js';
import { enrolmentOf, KeyMode } from './enrolment.js';
import type { DeviceSeenFields, RouteDeps } from './route-deps.js';

const Params = Type.Object({ deviceId: DeviceId });
const MAX_LICENCE = 16 * 1024;
const tags = ['devices'];
type WithSeen = (d: DeviceView) => DeviceView & DeviceSeenFields;

const listSchema = {
  tags,
  summary: 'List devices ordered by extension then id; `extension` filters by extension prefix',
  querystring: Type.Object(
    {
      limit: Limit,
      cursor: Type.Optional(Cursor),
      offset: Type.Optional(Offset),
      extension: Type.Optional(ExtensionPrefix),
      keyMode: Type.Optional(KeyMode),
      wifiMacs: Type.Optional(WifiMacs),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      items: Type.Array(Device),
      nextCursor: Type.Union([Type.String(), Type.Null()]),
    }),
    ...errors,
  },
};

const createSchema = {
  tags,
  summary:
    'Register a device (its extension is created if new); optional licence file text and Wi-Fi MACs. Enrolled by default: the answer carries its enrolment (secret and QR code) once',
  body: Type.Object(
    {
      deviceId: DeviceId,
      extension: Extension,
      enabled: Type.Optional(Type.Boolean()),
      allowCreateTargets: Type.Optional(Type.Boolean()),
      label: Type.Optional(Label),
      licence: Type.Optional(Type.String({ maxLength: MAX_LICENCE })),
      keyMode: Type.Optional(KeyMode),
      wifiMacs: Type.Optional(WifiMacs),
    },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Intersect([Device, Type.Object({ enrolment: Type.Optional(Enrolment) })]),
    ...errors,
  },
};

const updateSchema = {
  tags,
  summary:
    'Change extension (must exist), enabled, allowCreateTargets, label or wifiMacs (replaces them all; helpdesk: enabled only)',
  params: Params,
  body: Type.Object(
    {
      extension: Type.Optional(Extension),
      enabled: Type.Optional(Type.Boolean()),
      allowCreateTargets: Type.Optional(Type.Boolean()),
      label: Type.Optional(Label),
      wifiMacs: Type.Optional(WifiMacs),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: { 200: Device, ...errors },
};

const licenceSchema = {
  tags,
  summary: 'Upload lic-<deviceid>.lic: multipart field "file", or JSON { licence } / { licenceBase64 }',
  params: Params,
  body: Type.Object(
    {
      licence: Type.Optional(Type.String({ maxLength: MAX_LICENCE })),
      licenceBase64: Type.Optional(
        Type.String({ maxLength: MAX_LICENCE * 2, pattern: '^[A-Za-z0-9+/=\\s]*$' }),
      ),
      file: Type.Optional(Type.Unknown({ description: 'multipart file field' })),
    },
    { additionalProperties: false },
  ),
  consumes: ['application/json', 'multipart/form-data'],
  response: { 200: Device, ...errors },
};

const qrSchema = {
  tags,
  summary: 'Provisioning QR code (server, port, key id, knock sequence; never the key itself)',
  params: Params,
  querystring: Type.Object(
    {
      format: Type.Optional(Type.Union([Type.Literal('png'), Type.Literal('svg'), Type.Literal('json')])),
    },
    { additionalProperties: false },
  ),
  produces: ['image/png', 'image/svg+xml', 'application/json'],
  response: {
    200: Type.Union([
      Type.Object({ payload: Type.String(), dataUrl: Type.String(), keyId: Type.Integer() }),
      Type.Unknown(),
    ]),
    ...errors,
  },
};

/** Registers /devices; returns how a device is answered (with last seen), for the enrolment routes. */
export function registerDeviceRoutes(app: FastifyInstance, deps: RouteDeps): WithSeen {
  const withSeen = deviceWithSeen(deps);
  registerDeviceCrud(app, deps, withSeen);
  registerLicenceUpload(app, deps, withSeen);
  registerProvisioningQr(app, deps);
  return withSeen;
}

/** A device as answered: the stored view plus when router last saw it. */
function deviceWithSeen(deps: RouteDeps): WithSeen {
  // One literal of a fixed shape: spreading the view ({ ...d, ...seen }) cost ~100x more per device.
  return (d) => {
    const seen = deps.presence.seen(d.deviceId);
    return {
      deviceId: d.deviceId,
      extension: d.extension,
      enabled: d.enabled,
      allowCreateTargets: d.allowCreateTargets,
      label: d.label,
      tier: d.tier,
      permissions: d.permissions,
      licence: d.licence,
      keyMode: d.keyMode,
      activeKeyId: d.activeKeyId,
      wifiMacs: d.wifiMacs,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      lastSeenAt: seen.lastSeenAt,
      presence: seen.presence,
    };
  };
}

/** List, register, read, change and delete devices. */
function registerDeviceCrud(app: FastifyInstance, deps: RouteDeps, withSeen: WithSeen): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/devices', { schema: listSchema }, async (request) => {
    const q = request.query;
    const page = await deps.devices.list({
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.offset ? { offset: q.offset } : {}),
      ...(q.extension ? { extensionPrefix: q.extension } : {}),
      ...(q.keyMode ? { keyMode: q.keyMode } : {}),
    });
    return { ...page, items: page.items.map(withSeen) };
  });

  api.post('/devices', { schema: createSchema }, async (request, reply) => {
    const { device, issued } = await deps.devices.create(actorOf(request), request.body);
    const enrolment = issued ? await enrolmentOf(issued, deps.provisioning) : undefined;
    return reply.code(201).send({ ...withSeen(device), ...(enrolment ? { enrolment } : {}) });
  });

  api.get(
    '/devices/:deviceId',
    { schema: { tags, summary: 'One device', params: Params, response: { 200: Device, ...errors } } },
    async (request) => withSeen(await deps.devices.get(request.params.deviceId)),
  );

  api.patch('/devices/:deviceId', { schema: updateSchema }, async (request) =>
    withSeen(await deps.devices.update(actorOf(request), request.params.deviceId, request.body)),
  );

  api.delete(
    '/devices/:deviceId',
    {
      schema: { tags, summary: 'Delete a device', params: Params, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await deps.devices.remove(actorOf(request), request.params.deviceId);
      return reply.code(204).send(null);
    },
  );
}

/** PUT and POST /devices/:deviceId/licence: the licence file as multipart, text or base64. */
function registerLicenceUpload(app: FastifyInstance, deps: RouteDeps, withSeen: WithSeen): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const method of ['put', 'post'] as const) {
    api[method]('/devices/:deviceId/licence', { schema: licenceSchema }, async (request) => {
      const body = request.body;
      let raw: string;
      if (body.file !== undefined)
        raw = Buffer.isBuffer(body.file) ? body.file.toString('utf8') : String(body.file);
      else if (body.licence !== undefined) raw = body.licence;
      else if (body.licenceBase64 !== undefined)
        raw = Buffer.from(body.licenceBase64, 'base64').toString('utf8');
      else
        throw invalid(
          'body.licence',
          'send the file as multipart field "file", or JSON licence / licenceBase64',
        );
      return withSeen(await deps.devices.uploadLicence(actorOf(request), request.params.deviceId, raw));
    });
  }
}

/** GET /devices/:deviceId/qr: the provisioning link as PNG, SVG or JSON. */
function registerProvisioningQr(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get('/devices/:deviceId/qr', { schema: qrSchema }, async (request, reply) => {
    const device = await deps.devices.get(request.params.deviceId);
    const keys = await deps.keys.list();
    const active = keys.filter((k) => k.state === 'active').at(-1);
    if (!active) throw new AdminError('ADMIN_KEY_NOT_FOUND', 'no active server key');
    const p = deps.provisioning;
    const params = new URLSearchParams({
      v: '1',
      host: p.publicHost,
      port: String(p.publicPort),
      keyId: String(active.keyId),
      device: device.deviceId,
      ext: device.extension,
    });
    if (p.knockSequence.length) params.set('knock', p.knockSequence.join(','));
    const payload = `smartassistant://provision?${params.toString()}`;
    const format = request.query.format ?? 'png';
    if (format === 'svg') {
      return reply
        .type('image/svg+xml')
        .send(await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M' }));
    }
    if (format === 'json') {
      return {
        payload,
        dataUrl: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M' }),
        keyId: active.keyId,
      };
    }
    return reply.type('image/png').send(await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M' }));
  });
}

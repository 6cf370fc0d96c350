// TypeBox schemas shared by the routes. Every string is bounded and, where it names something,
// patterned: malformed input (including SQL-injection attempts) fails validation with a 400.
import { Type } from '@fastify/type-provider-typebox';

export const DeviceId = Type.String({
  pattern: '^[A-Za-z0-9]{4,64}$',
  description: '4-64 letters or digits',
});
export const Extension = Type.String({ pattern: '^[0-9]{2,10}$', description: '2-10 digits' });
export const ExtensionPrefix = Type.String({
  pattern: '^[0-9]{1,10}$',
  description: 'leading digits of an extension',
});
export const Uuid = Type.String({ format: 'uuid' });
export const DestinationName = Type.String({
  minLength: 3,
  maxLength: 60,
  pattern: '^[A-Za-z0-9_.-]+$',
  description: 'SMART-<Name> (generic) or <ext>-<Name> (specific)',
});
export const Dial = Type.String({
  pattern: '^[0-9A-Za-z*#+/@._-]{1,64}$',
  description: 'what the dialplan dials',
});
export const Label = Type.String({ maxLength: 80, pattern: '^[\\p{L}\\p{N} _.,:()/-]*$' });
export const PlaceName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[\\p{L}\\p{N}][\\p{L}\\p{N} _.()-]*$',
});
export const Ssid = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\x00-\\x1f\\x7f]+$' });
export const Bssid = Type.String({ pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$' });
/** Wi-Fi MACs as sent: any accepted spelling, checked and normalised by domain/wifi-mac.ts. */
export const WifiMacs = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  maxItems: 64,
  description:
    'Wi-Fi MAC addresses: aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabbccddeeff or AABB.CCDD.EEFF; stored lower-case with colons',
});
export const Cursor = Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
export const Offset = Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 });
export const IsoDate = Type.String({ format: 'date-time' });
export const TierSchema = Type.Union([
  Type.Literal('free'),
  Type.Literal('standard'),
  Type.Literal('premium'),
]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody' },
);

export const Permissions = Type.Object({
  genericDestinations: Type.Boolean(),
  specificDestinations: Type.Boolean(),
  createTargets: Type.Boolean(),
});

export const Device = Type.Object({
  deviceId: Type.String(),
  extension: Type.String(),
  enabled: Type.Boolean(),
  allowCreateTargets: Type.Boolean(),
  label: Type.String(),
  tier: TierSchema,
  permissions: Permissions,
  licence: Type.Union([
    Type.Object({
      tier: TierSchema,
      issuedAt: Type.String(),
      expiresAt: Type.String(),
      issuerKeyId: Type.String(),
    }),
    Type.Null(),
  ]),
  keyMode: Type.Union([Type.Literal('device_key'), Type.Literal('server_key')], {
    description: 'device_key: enrolled, accepted only under its own keys; server_key: the shared server key',
  }),
  activeKeyId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'newest active own key (null: server-key device, or every key revoked)',
  }),
  wifiMacs: Type.Array(Type.String(), {
    description: 'Wi-Fi MAC addresses (aa:bb:cc:dd:ee:ff) RADIUS accounting names the device by',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastSeenAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when router last applied a presence report of the device (null: none since admin started)',
  }),
  presence: Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')], {
    description: "online: last report within router's PRESENCE_TIMEOUT_S; unknown: none since admin started",
  }),
});

export const Destination = Type.Object({
  id: Type.String(),
  name: Type.String(),
  dial: Type.String(),
  scope: Type.Union([Type.Literal('generic'), Type.Literal('specific')]),
  extension: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const Location = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ssids: Type.Array(Type.String()),
  bssids: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
export const TimeWindow = Type.Object(
  {
    start: HhMm,
    end: HhMm,
    weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' })),
  },
  { additionalProperties: false },
);
export const Rule = Type.Object(
  {
    kind: Type.Union([Type.Literal('location'), Type.Literal('explicit'), Type.Literal('time_window')]),
    locationId: Type.Optional(Uuid),
    window: Type.Optional(TimeWindow),
  },
  { additionalProperties: false },
);
export const ScenarioIn = Type.Object(
  {
    id: Type.Optional(Uuid),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    name: PlaceName,
    destinationId: Uuid,
    rules: Type.Array(Rule, { maxItems: 20 }),
    isDefault: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean({ description: 'the user may neither change nor delete it' })),
  },
  { additionalProperties: false },
);
export const Scenario = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
  destinationId: Type.String(),
  destinationName: Type.String(),
  dial: Type.String(),
  rules: Type.Array(Rule),
  isDefault: Type.Boolean(),
  locked: Type.Boolean(),
  owner: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
});

export const ServerKey = Type.Object({
  keyId: Type.Integer(),
  state: Type.Union([Type.Literal('active'), Type.Literal('retiring'), Type.Literal('retired')]),
  notAfter: Type.Union([Type.String(), Type.Null()]),
  isDefault: Type.Boolean(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const Presence = Type.Object({
  extension: Type.String(),
  scenarioId: Type.String(),
  scenarioName: Type.String(),
  targetDial: Type.String(),
  targetName: Type.String(),
  reason: Type.String(),
  decidedAt: Type.String(),
  version: Type.Number(),
  devices: Type.Array(
    Type.Object({
      deviceId: Type.String(),
      presence: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
      reportedAt: Type.String(),
      onlineUntil: Type.String(),
      network: Type.Union([
        Type.Object({ ssid: Type.String(), bssid: Type.String(), rssiDbm: Type.Number() }),
        Type.Null(),
      ]),
      location: Type.String({ description: "'' = a network no location lists" }),
      scenarioName: Type.String(),
      reason: Type.String(),
    }),
  ),
});

export const FollowMeProblem = Type.Object({
  extension: Type.String(),
  status: Type.Union([
    Type.Literal('no-followme'),
    Type.Literal('not-an-extension'),
    Type.Literal('unknown'),
  ]),
  fix: Type.String(),
  checkedAt: Type.String(),
});

/** Standard error responses every route documents. */
export const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** A device's enrolment, in the one answer that issued its secret (docs/protocol.md "Enrolment"). */
export const Enrolment = Type.Object({
  deviceId: Type.String(),
  extension: Type.String(),
  keyId: Type.Integer(),
  payload: Type.String({
    description: 'smartassistant://enrol?... : what the QR code carries, secret included',
  }),
  dataUrl: Type.String({ description: 'the QR code as a PNG data: URL' }),
});

// TypeBox schemas of the self-service API (/me). Inputs are bounded and patterned like the admin
// API's; the own-data rules (own-data-rules.ts) check what a schema cannot (tier, locks, places).
import { Type } from '@fastify/type-provider-typebox';
import {
  Bssid,
  Extension,
  Permissions,
  PlaceName,
  Rule,
  Ssid,
  TierSchema,
  Uuid,
} from '../adapters/http/schemas.js';

export const MAX_CHOICE_HOURS = 7 * 24;

export const LoginBody = Type.Object(
  { extension: Extension, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const Routing = Type.Object({
  source: Type.Union([Type.Literal('router'), Type.Literal('last-announced'), Type.Literal('none')], {
    description:
      'router: router answered just now; last-announced: router did not answer, this is the decision it last announced; none: nothing known',
  }),
  scenarioId: Type.String(),
  scenarioName: Type.String(),
  targetDial: Type.String({ description: "'' = no scenario applies: the PBX's own handling" }),
  targetName: Type.String(),
  reason: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});

export const Profile = Type.Object({
  extension: Type.String(),
  displayName: Type.String(),
  tier: TierSchema,
  permissions: Permissions,
  locationPausedAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when the user paused location (privacy mode); null: location is used',
  }),
});

export const Me = Type.Object({ ...Profile.properties, routing: Routing });

export const OwnScenario = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
  targetId: Type.String(),
  targetName: Type.String(),
  dial: Type.String(),
  rules: Type.Array(Rule),
  isDefault: Type.Boolean(),
  locked: Type.Boolean({ description: 'an administrator locked it: read-only for the user' }),
  own: Type.Boolean({ description: 'the user created it (false: an administrator did)' }),
});

export const OwnScenarioIn = Type.Object(
  {
    name: PlaceName,
    targetId: Uuid,
    rules: Type.Array(Rule, { maxItems: 20 }),
    isDefault: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const OwnPlace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ssids: Type.Array(Type.String()),
  bssids: Type.Array(Type.String()),
  shared: Type.Boolean({ description: "an administrator's place every user may use: read-only" }),
});

/** A browser cannot read Wi-Fi: the user types the network name and/or the access point address. */
export const OwnPlaceIn = Type.Object(
  {
    name: Type.Optional(PlaceName),
    ssid: Type.Optional(Ssid),
    bssid: Type.Optional(Bssid),
  },
  { additionalProperties: false },
);

export const Target = Type.Object({
  id: Type.String(),
  name: Type.String(),
  dial: Type.String(),
  scope: Type.Union([Type.Literal('generic'), Type.Literal('specific')]),
});

export const ChoiceIn = Type.Object(
  {
    scenarioId: Uuid,
    hours: Type.Integer({ minimum: 1, maximum: MAX_CHOICE_HOURS }),
  },
  { additionalProperties: false },
);

export const CallEntry = Type.Object({
  callId: Type.String(),
  at: Type.String(),
  callerIdNum: Type.String(),
  targetDial: Type.String(),
  targetName: Type.String(),
  scenarioName: Type.String(),
  reason: Type.String(),
  fallback: Type.Boolean(),
});

export const PresenceEntry = Type.Object({
  at: Type.String(),
  deviceId: Type.String(),
  placeName: Type.String({ description: "'' = no known place" }),
});

export const HistoryLimit = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Uuid });

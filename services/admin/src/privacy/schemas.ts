// TypeBox schemas of the privacy routes. The history view's item schema lists its fields: the
// response serializer drops anything else, so a network name could not leak into it by accident.
import { Type } from '@fastify/type-provider-typebox';
import { RETENTION_DAYS_MAX, RETENTION_DAYS_MIN } from './retention-settings.js';

export const RetentionDays = Type.Integer({
  minimum: RETENTION_DAYS_MIN,
  maximum: RETENTION_DAYS_MAX,
  description: `days presence history and call history are kept (${RETENTION_DAYS_MIN}-${RETENTION_DAYS_MAX})`,
});

export const PrivacySettingsView = Type.Object({
  retentionDays: RetentionDays,
  isDefault: Type.Boolean({ description: 'nobody set it: the configured default (ADMIN_RETENTION_DAYS)' }),
});

export const PrivacySettingsBody = Type.Object(
  { retentionDays: RetentionDays },
  { additionalProperties: false },
);

export const PresenceHistoryEntry = Type.Object({
  at: Type.String({ description: 'when the device was first placed there' }),
  deviceId: Type.String(),
  placeName: Type.String({ description: "'' = no known place" }),
});

export const HistoryQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
  { additionalProperties: false },
);

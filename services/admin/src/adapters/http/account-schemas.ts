// JSON schemas of admin accounts (never a password or hash, except a generated password returned once).
import { Type } from '@fastify/type-provider-typebox';
import { PASSWORD_MIN_LENGTH } from '../../domain/credentials.js';

export const Role = Type.Union([Type.Literal('administrator'), Type.Literal('helpdesk')], {
  description: 'administrator: everything; helpdesk: devices (enable/disable) and the board',
});

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });

export const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 });

export const Account = Type.Object({
  username: Type.String(),
  role: Role,
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  passwordChangedAt: Type.String(),
});

// Account roles. An administrator may call every route. A helpdesk account may call only the routes
// that say so (default deny): a route is administrator-only unless its Fastify config carries
// `helpdesk` (see adapters/http/access.ts). A route new to the API is therefore closed to helpdesk
// until someone decides otherwise.

export const ROLES = ['administrator', 'helpdesk'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route lets a helpdesk account do: the whole route (`'allowed'`), or only requests whose body
 * has no other fields than `onlyFields` (e.g. PATCH /devices/:id with `enabled` and nothing else).
 */
export type HelpdeskAccess = 'allowed' | { readonly onlyFields: readonly string[] };

/** Why `role` may not make this request, or null when it may. `body` is the parsed request body. */
export function roleRefusal(role: Role, access: HelpdeskAccess | undefined, body: unknown): string | null {
  if (role === 'administrator') return null;
  if (access === undefined) return 'this route needs the administrator role';
  if (access === 'allowed') return null;
  const fields = body !== null && typeof body === 'object' ? Object.keys(body) : [];
  const other = fields.filter((f) => !access.onlyFields.includes(f));
  if (other.length === 0) return null;
  return `the helpdesk role may change only ${access.onlyFields.join(', ')} here, not ${other.join(', ')}`;
}

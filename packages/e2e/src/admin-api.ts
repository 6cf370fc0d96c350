// A thin client for the admin HTTP API (docs/api.md), used by the end-to-end tests and the demo.

export interface AdminApi {
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} -> ${status}: ${JSON.stringify(body)}`);
  }
}

/** A session token for the account (POST /auth/login). */
export async function sessionToken(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new AdminApiError(res.status, body, 'login');
  return body.token;
}

export async function loginAdmin(baseUrl: string, username: string, password: string): Promise<AdminApi> {
  return adminApi(baseUrl, await sessionToken(baseUrl, username, password));
}

/** The admin API with a bearer token: a session token from login, or an API token (`sat_…`). */
export function adminApi(baseUrl: string, token: string): AdminApi {
  return {
    async request<T>(method: string, path: string, payload?: unknown): Promise<T> {
      const r = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
      const text = await r.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (r.status >= 400) throw new AdminApiError(r.status, parsed, `${method} ${path}`);
      return parsed as T;
    },
  };
}

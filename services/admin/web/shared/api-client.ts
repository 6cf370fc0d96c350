// The API client both browser apps use: openapi-fetch typed by the types the build generates from the
// API's own OpenAPI document (gen/openapi.d.ts), so a call that no longer matches the API fails the
// build. The only credential is the HttpOnly session cookie the sign-in sets: no token is ever held
// where a script could read it. Error bodies ({ error: { code, message, details } }) become ApiError.
import createClient from 'openapi-fetch';
import type { paths } from '../gen/openapi';

export type { paths };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ApiHttp = ReturnType<typeof createClient<paths>>;

/**
 * `onUnauthorized` runs when a request other than a sign-in is answered 401 (the session ended);
 * `signInPaths` are the paths whose 401 means "wrong password" instead.
 */
export function createHttp(options: {
  onUnauthorized?: () => void;
  signInPaths: readonly string[];
}): ApiHttp {
  const http = createClient<paths>({
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    querySerializer: toQueryString,
  });
  http.use({
    onResponse({ response, schemaPath }) {
      if (response.status === 401 && !options.signInPaths.includes(schemaPath)) options.onUnauthorized?.();
    },
  });
  return http;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or the API's error thrown as ApiError. */
export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}

/** Empty filters are left out, as if not given (a form's blank field means "any"). */
export function toQueryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
    ?.error;
  if (error && typeof error === 'object') {
    return new ApiError(
      response.status,
      error.code ?? 'UNKNOWN',
      error.message ?? response.statusText,
      error.details,
    );
  }
  const loose = body as { message?: string; code?: string } | undefined;
  const message = loose?.message ?? `${response.status} ${response.statusText}`;
  return new ApiError(response.status, loose?.code ?? `HTTP_${response.status}`, message);
}

// HTTP transport for /api/v1: attaches the session token, turns error bodies
// ({ error: { code, message, details } }) into ApiError, and reports an expired session.
// The token lives in sessionStorage only (gone when the tab closes) and is never logged.

const TOKEN_KEY = 'sa-admin-session';
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function createApiClient({ onUnauthorized } = {}) {
  let token = sessionStorage.getItem(TOKEN_KEY);

  function setToken(value) {
    token = value || null;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  function authHeaders() {
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async function request(method, path, { body, query, signal, raw } = {}) {
    const headers = { accept: 'application/json', ...authHeaders() };
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(BASE + path + toQueryString(query), {
      method,
      headers,
      body: payload,
      signal,
      credentials: 'same-origin',
    });
    if (response.status === 401 && !path.startsWith('/auth/login')) {
      setToken(null);
      onUnauthorized?.();
    }
    if (!response.ok) throw await toApiError(response);
    if (raw) return response;
    if (response.status === 204) return null;
    const type = response.headers.get('content-type') ?? '';
    return type.includes('json') ? response.json() : response.text();
  }

  return {
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    put: (path, body, options) => request('PUT', path, { ...options, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, body }),
    delete: (path, options) => request('DELETE', path, options),
    request,
    authHeaders,
    setToken,
    hasSession: () => Boolean(token),
    url: (path, query) => BASE + path + toQueryString(query),
  };
}

function toQueryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function toApiError(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to a generic message
  }
  const error = body?.error;
  if (error && typeof error === 'object') {
    return new ApiError(
      response.status,
      error.code ?? 'UNKNOWN',
      error.message ?? response.statusText,
      error.details,
    );
  }
  const message = body?.message ?? `${response.status} ${response.statusText}`;
  return new ApiError(response.status, body?.code ?? `HTTP_${response.status}`, message, undefined);
}

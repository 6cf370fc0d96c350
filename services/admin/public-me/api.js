// The /me API over fetch. The session is the HttpOnly cookie the browser sends by itself (this
// script never sees it). Error bodies ({ error: { code, message, details } }) become ApiError.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function createApi({ onSignedOut }) {
  async function request(method, path, body) {
    const response = await fetch(`/me${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      const error = json?.error ?? {};
      if (response.status === 401 && path !== '/login') onSignedOut();
      throw new ApiError(
        response.status,
        error.code ?? `HTTP_${response.status}`,
        error.message ?? response.statusText,
      );
    }
    return json;
  }
  return {
    login: (extension, password) => request('POST', '/login', { extension, password }),
    logout: () => request('POST', '/logout'),
    me: () => request('GET', ''),
    pause: () => request('POST', '/pause'),
    resume: () => request('POST', '/resume'),
    choose: (scenarioId, hours) => request('POST', '/choice', { scenarioId, hours }),
    clearChoice: () => request('DELETE', '/choice'),
    targets: () => request('GET', '/targets'),
    scenarios: () => request('GET', '/scenarios'),
    createScenario: (body) => request('POST', '/scenarios', body),
    updateScenario: (id, body) => request('PUT', `/scenarios/${id}`, body),
    deleteScenario: (id) => request('DELETE', `/scenarios/${id}`),
    places: () => request('GET', '/places'),
    createPlace: (body) => request('POST', '/places', body),
    updatePlace: (id, body) => request('PUT', `/places/${id}`, body),
    deletePlace: (id) => request('DELETE', `/places/${id}`),
    calls: () => request('GET', '/calls?limit=50'),
    presenceHistory: () => request('GET', '/presence-history?limit=50'),
    deletePresenceHistory: () => request('DELETE', '/presence-history'),
  };
}

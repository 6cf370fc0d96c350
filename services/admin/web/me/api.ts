// The /me API, typed by the API's own OpenAPI document (shared/api-client.ts): a call that no longer
// matches the API fails the build. The session is the HttpOnly cookie the browser sends by itself
// (this script never sees it). Error bodies ({ error: { code, message, details } }) become ApiError.
import { ApiError, createHttp, type paths, unwrap } from '../shared/api-client.js';

type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** What POST /me/scenarios and PUT /me/scenarios/{id} take. */
export type ScenarioBody = JsonBody<paths['/me/scenarios']['post']>;
/** What POST /me/places and PUT /me/places/{id} take. */
export type PlaceBody = JsonBody<paths['/me/places']['post']>;

/** How many calls and presence changes the page shows (the newest). */
const HISTORY_LIMIT = 50;

export type MeApi = ReturnType<typeof createApi>;

/** The API as this page uses it; onSignedOut runs when a request finds the session ended (401). */
export function createApi({ onSignedOut }: { onSignedOut: () => void }) {
  const http = createHttp({ signInPaths: ['/me/login'], onUnauthorized: onSignedOut });
  const byId = (id: string) => ({ params: { path: { id } } });
  const recent = { params: { query: { limit: HISTORY_LIMIT } } };
  return {
    login: (extension: string, password: string) =>
      unwrap(http.POST('/me/login', { body: { extension, password } })),
    logout: () => unwrap(http.POST('/me/logout')),
    me: () => unwrap(http.GET('/me')),
    pause: () => unwrap(http.POST('/me/pause')),
    resume: () => unwrap(http.POST('/me/resume')),
    choose: (scenarioId: string, hours: number) =>
      unwrap(http.POST('/me/choice', { body: { scenarioId, hours } })),
    clearChoice: () => unwrap(http.DELETE('/me/choice')),
    targets: () => unwrap(http.GET('/me/targets')),
    scenarios: () => unwrap(http.GET('/me/scenarios')),
    createScenario: (body: ScenarioBody) => unwrap(http.POST('/me/scenarios', { body })),
    updateScenario: (id: string, body: ScenarioBody) =>
      unwrap(http.PUT('/me/scenarios/{id}', { ...byId(id), body })),
    deleteScenario: (id: string) => unwrap(http.DELETE('/me/scenarios/{id}', byId(id))),
    places: () => unwrap(http.GET('/me/places')),
    createPlace: (body: PlaceBody) => unwrap(http.POST('/me/places', { body })),
    updatePlace: (id: string, body: PlaceBody) => unwrap(http.PUT('/me/places/{id}', { ...byId(id), body })),
    deletePlace: (id: string) => unwrap(http.DELETE('/me/places/{id}', byId(id))),
    calls: () => unwrap(http.GET('/me/calls', recent)),
    presenceHistory: () => unwrap(http.GET('/me/presence-history', recent)),
    deletePresenceHistory: () => unwrap(http.DELETE('/me/presence-history')),
  };
}

/** One item of what a list endpoint answers, e.g. Item<'scenarios'>. */
export type Item<K extends 'scenarios' | 'places' | 'targets' | 'calls' | 'presenceHistory'> = Awaited<
  ReturnType<MeApi[K]>
>['items'][number];

/** What every view's render receives from app.ts. */
export interface MeContext {
  readonly api: MeApi;
  readonly notify: (text: string) => void;
  /** Draws the current view again (after a change). */
  readonly refresh: () => Promise<void>;
}

/** Whether the request failed with this API error code (e.g. ADMIN_HISTORY_UNAVAILABLE). */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof ApiError && error.code === code;
}

/** The text to show for a failed request. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

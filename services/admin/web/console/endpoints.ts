// Every /api/v1 route the console calls, in one place (see docs/api.md), typed by the API's own
// OpenAPI document: a request or an answer that no longer matches the API fails the build.
import { type ApiHttp, createHttp, type paths, unwrap } from '../shared/api-client.js';

type Op<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = NonNullable<
  paths[P][M]
>;
/** The JSON body an operation takes. */
export type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> =
  Op<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** The query an operation takes. */
export type QueryOf<P extends keyof paths> =
  Op<P, 'get'> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** What a GET answers with. */
export type AnswerOf<P extends keyof paths> =
  Op<P, 'get'> extends { responses: { 200: { content: { 'application/json': infer A } } } } ? A : never;

export type Api = ReturnType<typeof createEndpoints>;

export function createEndpoints(options: { onUnauthorized: () => void }) {
  const http = createHttp({ ...options, signInPaths: ['/api/v1/auth/login'] });
  return {
    auth: authEndpoints(http),
    accounts: accountEndpoints(http),
    extensions: extensionEndpoints(http),
    devices: deviceEndpoints(http),
    destinations: destinationEndpoints(http),
    locations: locationEndpoints(http),
    scenarios: scenarioEndpoints(http),
    privacy: privacyEndpoints(http),
    keys: keyEndpoints(http),
    accountingClients: accountingClientEndpoints(http),
    board: {
      current: () => unwrap(http.GET('/api/v1/presence')),
      /** EventSource sends the session cookie by itself: no header needed. */
      streamUrl: () => '/api/v1/presence/stream',
    },
    followMe: { problems: () => unwrap(http.GET('/api/v1/followme-status')) },
    tokens: tokenEndpoints(http),
    freepbx: {
      import: (body: BodyOf<'/api/v1/import/freepbx', 'post'>) =>
        unwrap(http.POST('/api/v1/import/freepbx', { body })),
    },
    bulk: bulkEndpoints(http),
    audit: {
      list: (query: QueryOf<'/api/v1/audit'>) => unwrap(http.GET('/api/v1/audit', { params: { query } })),
    },
  };
}

function authEndpoints(http: ApiHttp) {
  return {
    login: (username: string, password: string) =>
      unwrap(http.POST('/api/v1/auth/login', { body: { username, password } })),
    logout: () => unwrap(http.POST('/api/v1/auth/logout')),
    me: () => unwrap(http.GET('/api/v1/auth/me')),
    changePassword: (body: BodyOf<'/api/v1/auth/password', 'post'>) =>
      unwrap(http.POST('/api/v1/auth/password', { body })),
  };
}

function accountEndpoints(http: ApiHttp) {
  const path = (username: string) => ({ params: { path: { username } } });
  return {
    list: () => unwrap(http.GET('/api/v1/accounts')),
    create: (body: BodyOf<'/api/v1/accounts', 'post'>) => unwrap(http.POST('/api/v1/accounts', { body })),
    update: (username: string, body: BodyOf<'/api/v1/accounts/{username}', 'patch'>) =>
      unwrap(http.PATCH('/api/v1/accounts/{username}', { ...path(username), body })),
    remove: (username: string) => unwrap(http.DELETE('/api/v1/accounts/{username}', path(username))),
    resetPassword: (username: string) =>
      unwrap(http.POST('/api/v1/accounts/{username}/reset-password', path(username))),
  };
}

function extensionEndpoints(http: ApiHttp) {
  return {
    list: (query: QueryOf<'/api/v1/extensions'>) =>
      unwrap(http.GET('/api/v1/extensions', { params: { query } })),
    create: (body: BodyOf<'/api/v1/extensions', 'post'>) => unwrap(http.POST('/api/v1/extensions', { body })),
    remove: (extension: string) =>
      unwrap(http.DELETE('/api/v1/extensions/{extension}', { params: { path: { extension } } })),
    setPassword: (extension: string, password: string) =>
      unwrap(
        http.PUT('/api/v1/users/{extension}/password', {
          params: { path: { extension } },
          body: { password },
        }),
      ),
  };
}

function deviceEndpoints(http: ApiHttp) {
  const path = (deviceId: string) => ({ params: { path: { deviceId } } });
  return {
    list: (query: QueryOf<'/api/v1/devices'>) => unwrap(http.GET('/api/v1/devices', { params: { query } })),
    create: (body: BodyOf<'/api/v1/devices', 'post'>) => unwrap(http.POST('/api/v1/devices', { body })),
    update: (id: string, body: BodyOf<'/api/v1/devices/{deviceId}', 'patch'>) =>
      unwrap(http.PATCH('/api/v1/devices/{deviceId}', { ...path(id), body })),
    remove: (id: string) => unwrap(http.DELETE('/api/v1/devices/{deviceId}', path(id))),
    uploadLicence: (id: string, licence: string) =>
      unwrap(http.PUT('/api/v1/devices/{deviceId}/licence', { ...path(id), body: { licence } })),
    qrCode: (id: string) =>
      unwrap(
        http.GET('/api/v1/devices/{deviceId}/qr', {
          params: { path: { deviceId: id }, query: { format: 'json' } },
        }),
      ),
    /** New own key (re-enrol, or enrol a server-key device): the answer carries its secret once. */
    enrol: (id: string, overlapSeconds: number) =>
      unwrap(http.POST('/api/v1/devices/{deviceId}/enrol', { ...path(id), body: { overlapSeconds } })),
    revokeKeys: (id: string) => unwrap(http.POST('/api/v1/devices/{deviceId}/revoke-keys', path(id))),
    /** Re-issues the keys of these devices: one enrolment QR code each, shown once. */
    enrolmentSheet: (deviceIds: string[], overlapSeconds: number) =>
      unwrap(http.POST('/api/v1/devices/enrolment-sheet', { body: { deviceIds, overlapSeconds } })),
  };
}

function destinationEndpoints(http: ApiHttp) {
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    list: (query: QueryOf<'/api/v1/destinations'>) =>
      unwrap(http.GET('/api/v1/destinations', { params: { query } })),
    create: (body: BodyOf<'/api/v1/destinations', 'post'>) =>
      unwrap(http.POST('/api/v1/destinations', { body })),
    update: (id: string, body: BodyOf<'/api/v1/destinations/{id}', 'patch'>) =>
      unwrap(http.PATCH('/api/v1/destinations/{id}', { ...path(id), body })),
    remove: (id: string) => unwrap(http.DELETE('/api/v1/destinations/{id}', path(id))),
  };
}

function locationEndpoints(http: ApiHttp) {
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    list: (query: QueryOf<'/api/v1/locations'>) =>
      unwrap(http.GET('/api/v1/locations', { params: { query } })),
    create: (body: BodyOf<'/api/v1/locations', 'post'>) => unwrap(http.POST('/api/v1/locations', { body })),
    update: (id: string, body: BodyOf<'/api/v1/locations/{id}', 'patch'>) =>
      unwrap(http.PATCH('/api/v1/locations/{id}', { ...path(id), body })),
    remove: (id: string) => unwrap(http.DELETE('/api/v1/locations/{id}', path(id))),
  };
}

function scenarioEndpoints(http: ApiHttp) {
  const path = (extension: string) => ({ params: { path: { extension } } });
  return {
    list: (extension: string) => unwrap(http.GET('/api/v1/users/{extension}/scenarios', path(extension))),
    places: (extension: string) => unwrap(http.GET('/api/v1/users/{extension}/places', path(extension))),
    replace: (
      extension: string,
      scenarios: BodyOf<'/api/v1/users/{extension}/scenarios', 'put'>['scenarios'],
    ) => unwrap(http.PUT('/api/v1/users/{extension}/scenarios', { ...path(extension), body: { scenarios } })),
  };
}

function privacyEndpoints(http: ApiHttp) {
  return {
    settings: () => unwrap(http.GET('/api/v1/settings/privacy')),
    setSettings: (body: BodyOf<'/api/v1/settings/privacy', 'put'>) =>
      unwrap(http.PUT('/api/v1/settings/privacy', { body })),
    presenceHistory: (extension: string, limit: number) =>
      unwrap(
        http.GET('/api/v1/users/{extension}/presence-history', {
          params: { path: { extension }, query: { limit } },
        }),
      ),
  };
}

function keyEndpoints(http: ApiHttp) {
  return {
    list: () => unwrap(http.GET('/api/v1/keys')),
    rotate: (body: BodyOf<'/api/v1/keys/rotate', 'post'>) =>
      unwrap(http.POST('/api/v1/keys/rotate', { body })),
    serverKeys: () => unwrap(http.GET('/api/v1/keys/server-keys')),
    disableServerKeys: (body: BodyOf<'/api/v1/keys/server-keys/disable', 'post'>) =>
      unwrap(http.POST('/api/v1/keys/server-keys/disable', { body })),
  };
}

/** RADIUS accounting clients (access points): a secret comes back once, as generatedSecret. */
function accountingClientEndpoints(http: ApiHttp) {
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    list: () => unwrap(http.GET('/api/v1/accounting-clients')),
    create: (body: BodyOf<'/api/v1/accounting-clients', 'post'>) =>
      unwrap(http.POST('/api/v1/accounting-clients', { body })),
    update: (id: string, body: BodyOf<'/api/v1/accounting-clients/{id}', 'patch'>) =>
      unwrap(http.PATCH('/api/v1/accounting-clients/{id}', { ...path(id), body })),
    rotateSecret: (id: string) =>
      unwrap(http.POST('/api/v1/accounting-clients/{id}/rotate-secret', { ...path(id), body: {} })),
    remove: (id: string) => unwrap(http.DELETE('/api/v1/accounting-clients/{id}', path(id))),
  };
}

function tokenEndpoints(http: ApiHttp) {
  return {
    list: () => unwrap(http.GET('/api/v1/tokens')),
    create: (body: BodyOf<'/api/v1/tokens', 'post'>) => unwrap(http.POST('/api/v1/tokens', { body })),
    revoke: (id: number) => unwrap(http.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
  };
}

type CsvKind = 'users' | 'destinations' | 'devices' | 'scenarios';

function bulkEndpoints(http: ApiHttp) {
  return {
    /** CSV file to /import/<kind>; dryRun checks without writing. */
    importCsv: (kind: CsvKind, file: File, dryRun: boolean) => {
      const form = new FormData();
      form.append('file', file, file.name || `${kind}.csv`);
      return unwrap(
        http.POST(`/api/v1/import/${kind}`, {
          params: { query: { dryRun } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    /** A plain link: the session cookie authenticates the download. */
    exportUrl: (kind: CsvKind) => `/api/v1/export/${kind}.csv`,
  };
}

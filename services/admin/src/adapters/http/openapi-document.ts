// The API's OpenAPI document without a database or a bus: registering routes only stores their
// handlers and schemas, so every dependency can be a stand-in that nothing calls. The build
// generates the browser apps' API types from it (scripts/build-web.mjs).
import { createLogger } from '@sa/platform';
import { buildHttpApp } from './server.js';

/** Any property, at any depth, is another unused stand-in. */
function unusedDependency(): never {
  const stand: object = new Proxy(() => stand, {
    get: (_target, key) => (key === 'then' ? undefined : stand),
  });
  return stand as never;
}

export async function openApiDocument(): Promise<unknown> {
  const app = await buildHttpApp(
    {
      logger: createLogger('openapi', 'error'),
      bodyLimit: 1,
      loginRateMax: 1,
      sessionTtlSeconds: 1,
      cookieSecure: true,
      trustedProxies: false,
      publicDir: '',
      publicMeDir: '',
    },
    unusedDependency(),
  );
  await app.ready();
  const doc = app.swagger();
  await app.close();
  return doc;
}

// Fastify application for /api/v1 and the console's static files. Built by app.ts (and tests)
// with every dependency injected; no listen here.
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@sa/platform';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { AdminError, ERRORS, invalid } from '../../errors.js';
import {
  registerSelfService,
  registerUserPasswordRoutes,
  type SelfServiceDeps,
} from '../../self-service/index.js';
import { isDatabaseUnavailable } from '../pg/db.js';
import { type AuthDeps, registerAuth } from './auth.js';
import { registerOriginCheck } from './origin-check.js';
import { registerRoleCheck } from './role-check.js';
import { type RouteDeps, registerRoutes } from './routes/index.js';
import { ErrorBody } from './schemas.js';
import { registerSecurityHeaders } from './security-headers.js';
import { builtWebApp, serveWebApp } from './web-app-files.js';

export interface HttpOptions {
  readonly logger: Logger;
  readonly bodyLimit: number;
  readonly loginRateMax: number;
  readonly sessionTtlSeconds: number;
  /** Secure on every session cookie; otherwise only on HTTPS requests. */
  readonly cookieSecure: boolean;
  /** Proxies whose X-Forwarded-Proto/-For are believed (Fastify trustProxy); false: none. */
  readonly trustedProxies: string[] | false;
  readonly publicDir?: string;
  /** the self-service page's files (default dist/web/me) */
  readonly publicMeDir?: string;
}

export type AdminHttp = FastifyInstance;

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
  readonly bodySchema?: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route (for the security tests and docs). */
    readonly routeList: RouteInfo[];
  }
  interface FastifyContextConfig {
    /** Largest file upload the route takes (it checks it); other bodies stay within bodyLimit. */
    uploadLimit?: number;
  }
}

export async function buildHttpApp(
  options: HttpOptions,
  deps: RouteDeps & AuthDeps & { selfService?: SelfServiceDeps },
): Promise<AdminHttp> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustedProxies,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  recordRouteList(app);
  app.addSchema(ErrorBody);
  registerErrorAnswers(app);
  registerRequestLimits(app, options.bodyLimit);
  await registerPlugins(app);

  registerOriginCheck(app);
  registerAuth(app, options, deps);
  registerRoleCheck(app);
  await app.register(
    async (api) => {
      await registerRoutes(api, deps);
      if (deps.selfService) registerUserPasswordRoutes(api, deps.selfService.credentials);
    },
    { prefix: '/api/v1' },
  );
  // the users' own page and API (/me/, /me): a session of their own, never an admin one
  if (deps.selfService) await registerSelfService(app, options, deps.selfService);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await serveWebApp(app, { root: options.publicDir ?? builtWebApp('console'), prefix: '/', ownReply: true });
  return app;
}

/** Decorates app.routeList and fills it as routes are added. */
function recordRouteList(app: FastifyInstance): void {
  const routeList: RouteInfo[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routeList.push({
        method,
        url: route.url,
        public: route.config?.public === true || !route.url.startsWith('/api/'),
        bodySchema: (route.schema as { body?: unknown } | undefined)?.body,
      });
    }
  });
}

/** Every error, and every unknown route, answered as the API's error body. */
function registerErrorAnswers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = toErrorBody(err, request);
    if (status >= 500) request.log.error({ err, route: request.routeOptions.url }, 'request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('ADMIN_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** Refuses oversized bodies and unknown query parameters before any route runs. */
function registerRequestLimits(app: FastifyInstance, bodyLimit: number): void {
  // Oversized bodies are refused on every route, including methods whose body Fastify ignores; a
  // route taking file uploads (config.uploadLimit) checks those itself, JSON stays within bodyLimit.
  app.addHook('onRequest', async (request) => {
    const length = Number(request.headers['content-length'] ?? 0);
    const upload = request.routeOptions.config?.uploadLimit !== undefined && !isJson(request);
    if (length > bodyLimit && !upload) {
      throw new AdminError(
        'ADMIN_REQUEST_TOO_LARGE',
        `request body of ${length} bytes exceeds ${bodyLimit}`,
        {
          limit: bodyLimit,
        },
      );
    }
  });

  // Unknown query parameters are refused like unknown body fields (routes with a querystring schema
  // already refuse them through additionalProperties: false).
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/v1/') || request.routeOptions.schema?.querystring) return;
    const names = Object.keys((request.query as Record<string, unknown> | undefined) ?? {});
    if (names.length > 0) throw invalid(`querystring.${names[0]}`, 'is not accepted by this route');
  });
}

/** Security headers, cookies, multipart uploads, rate limits and the OpenAPI document. */
async function registerPlugins(app: FastifyInstance): Promise<void> {
  await registerSecurityHeaders(app);
  // the console's modules and the API's lists travel compressed (brotli or gzip, as the browser
  // accepts); small answers are not worth it
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(cookie);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 16 * 1024, files: 1, fields: 5 },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new AdminError(
        'ADMIN_AUTH_RATE_LIMITED',
        `too many login attempts; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      ),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Smart Assistant admin API', version: '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

const isJson = (request: { headers: Record<string, unknown> }): boolean =>
  /json/i.test(String(request.headers['content-type'] ?? ''));

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

/**
 * The API's error body. A required field that is missing, or sent empty (blank), reads
 * "<field>: required" (the request, when given, tells blank apart from malformed).
 */
export function toErrorBody(
  err: FastifyError | AdminError,
  request?: FastifyRequest,
): {
  status: number;
  body: ReturnType<typeof errorBody>;
} {
  if (err instanceof AdminError)
    return { status: err.status, body: errorBody(err.code, err.message, err.details) };
  const fe = err as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = `${first?.instancePath ?? ''}${missing ? `/${missing}` : ''}`
      .replace(/^\//, '')
      .replace(/\//g, '.');
    const field = [fe.validationContext, path].filter(Boolean).join('.') || 'request';
    const blank =
      !missing && request !== undefined && blankRequired(request, fe.validationContext, first?.instancePath);
    const message = missing || blank ? 'required' : (first?.message ?? 'is invalid');
    return {
      status: 400,
      body: errorBody('ADMIN_REQUEST_INVALID', `${field}: ${message}`, {
        field,
        problems: fe.validation.length,
      }),
    };
  }
  if (
    fe.statusCode === 413 ||
    fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    fe.code === 'FST_REQ_FILE_TOO_LARGE'
  ) {
    return { status: 413, body: errorBody('ADMIN_REQUEST_TOO_LARGE', 'request body exceeds the size limit') };
  }
  if (fe.statusCode === 429) return { status: 429, body: errorBody('ADMIN_AUTH_RATE_LIMITED', fe.message) };
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: fe.statusCode,
      body: errorBody('ADMIN_REQUEST_INVALID', `request: ${fe.message}`, { field: 'request' }),
    };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      body: errorBody(
        'ADMIN_DATABASE_UNAVAILABLE',
        'the database did not answer; a change is made whole or not at all: retry shortly',
      ),
    };
  }
  return { status: 500, body: errorBody('ADMIN_INTERNAL', ERRORS.ADMIN_INTERNAL.text) };
}

type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode>; required?: string[] };

/** Is the value at `instancePath` a blank string for a property its object schema requires? */
function blankRequired(request: FastifyRequest, context: string | undefined, instancePath = ''): boolean {
  const sources: Record<string, [unknown, unknown]> = {
    body: [request.body, request.routeOptions.schema?.body],
    querystring: [request.query, request.routeOptions.schema?.querystring],
    params: [request.params, request.routeOptions.schema?.params],
  };
  const source = context ? sources[context] : undefined;
  if (!source || instancePath === '') return false;
  let [value, node] = source as [unknown, SchemaNode | undefined];
  let required = false;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node?.type === 'object') {
      required = node.required?.includes(key) ?? false;
      node = node.properties?.[key];
    } else if (node?.type === 'array') {
      required = false;
      node = (node as { items?: SchemaNode }).items;
    } else return false;
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return required && typeof value === 'string' && value.trim() === '';
}

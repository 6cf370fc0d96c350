// The self-service session: sign in with extension + password, an HttpOnly SameSite=Strict cookie
// of its own (sa_me_session, Path=/me) that the browser never sends to /api (the admin session's
// sa_session is Path=/api and never reaches /me). Only that cookie is read here: an admin session
// or API token in an Authorization header is not a user session, and a user token never resolves as
// an admin one (different table, prefix sau_). Sign-in is rate-limited per client address (the
// route's limit, as the admin login) and per extension, and every attempt is audited.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../adapters/http/schemas.js';
import { transportOf } from '../adapters/http/security-headers.js';
import { DUMMY_HASH, verifyPassword } from '../domain/credentials.js';
import { AdminError } from '../errors.js';
import { LoginBody } from './me-schemas.js';
import { actorOfUser, type SelfServiceDeps, type SelfServiceOptions } from './self-service-deps.js';

export const ME_COOKIE = 'sa_me_session';
export const ME_COOKIE_PATH = '/me';

const tokenOf = (request: FastifyRequest): string | undefined => request.cookies?.[ME_COOKIE];

/** Register inside the /me plugin: every route there needs a user session unless config.public. */
export function registerSessionCheck(me: FastifyInstance, deps: SelfServiceDeps): void {
  me.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (request.routeOptions.config?.public) return;
    const token = tokenOf(request);
    const extension = token ? await deps.credentials.resolve(token) : null;
    if (!extension) throw new AdminError('ADMIN_ME_AUTH_REQUIRED', 'sign in at /me/ first');
    request.selfServiceUser = extension;
  });
}

/** A preHandler that limits sign-in attempts per extension, whatever the client address. */
function perExtensionLimit(me: FastifyInstance, options: SelfServiceOptions) {
  // the route's own limit counts per client address; this one per extension, whatever the address
  const extensionLimit = me.createRateLimit({
    max: options.loginRateMax,
    timeWindow: '1 minute',
    keyGenerator: (request) => `me-login:${(request.body as { extension?: string } | undefined)?.extension}`,
  });
  return async (request: FastifyRequest) => {
    const limit = await extensionLimit(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new AdminError(
        'ADMIN_AUTH_RATE_LIMITED',
        `too many sign-in attempts for this extension; retry in ${limit.ttlInSeconds} s`,
      );
    }
  };
}

export function registerSessionRoutes(
  me: FastifyInstance,
  deps: SelfServiceDeps,
  options: SelfServiceOptions,
): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['self-service'];
  const perExtension = perExtensionLimit(me, options);

  api.post(
    '/login',
    {
      config: { public: true, rateLimit: { max: options.loginRateMax, timeWindow: '1 minute' } },
      preHandler: perExtension,
      schema: {
        tags,
        summary:
          'Sign in as a user (extension + password an administrator set); sets the sa_me_session cookie',
        security: [],
        body: LoginBody,
        response: { 200: Type.Object({ extension: Type.String(), expiresAt: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { extension, password } = request.body;
      const hash = await deps.credentials.passwordHash(extension);
      const ok = await verifyPassword(password, hash ?? DUMMY_HASH);
      if (!hash || !ok) {
        await deps.credentials.auditSignIn('anonymous', 'login_failed', extension, request.ip);
        // fail2ban can match this line as the admin one: keep event, src and msg stable
        request.log.warn(
          { event: 'me_login_failed', src: request.ip, extension },
          `self-service login failed from ${request.ip}`,
        );
        throw new AdminError('ADMIN_ME_AUTH_FAILED', 'wrong extension or password');
      }
      const session = await deps.credentials.createSession(extension, options.sessionTtlSeconds);
      reply.setCookie(ME_COOKIE, session.token, {
        path: ME_COOKIE_PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: options.cookieSecure || transportOf(request) === 'https',
        maxAge: options.sessionTtlSeconds,
      });
      await deps.credentials.auditSignIn(actorOfUser(extension), 'login', extension, request.ip);
      request.log.info({ event: 'me_login', src: request.ip, extension }, `user ${extension} signed in`);
      return { extension, expiresAt: session.expiresAt };
    },
  );

  api.post(
    '/logout',
    {
      schema: {
        tags,
        summary: 'End the self-service session',
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      await deps.credentials.deleteSession(tokenOf(request)!);
      await deps.credentials.auditSignIn(actorOfUser(extension), 'logout', extension, request.ip);
      reply.clearCookie(ME_COOKIE, { path: ME_COOKIE_PATH });
      return reply.code(204).send(null);
    },
  );
}

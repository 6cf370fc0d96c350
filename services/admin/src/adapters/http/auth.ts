// Authentication: password login -> session token (JSON body + HttpOnly SameSite=Strict cookie),
// API tokens for automation; both accepted as `Authorization: Bearer <token>`. Every /api route
// requires one, except routes marked `config: { public: true }` (health, login). A disabled account
// cannot log in and its sessions and tokens stop working; role-check.ts decides what a role may call.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DUMMY_HASH, PASSWORD_MIN_LENGTH, verifyPassword } from '../../domain/credentials.js';
import { AdminError } from '../../errors.js';
import type { AccountsRepo, Principal } from '../pg/accounts-repo.js';
import { Role } from './account-schemas.js';
import { errors } from './schemas.js';
import { transportOf } from './security-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'sa_session';

export interface AuthDeps {
  readonly accounts: AccountsRepo;
}

export function actorOf(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.via === 'api_token' ? `token:${p.tokenName}` : `admin:${p.username}`;
}

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer ([A-Za-z0-9_-]{10,100})$/.exec(header);
    return m ? m[1]! : null;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie && /^[A-Za-z0-9_-]{10,100}$/.test(cookie) ? cookie : null;
}

type AuthOptions = { loginRateMax: number; sessionTtlSeconds: number; cookieSecure: boolean };
const tags = ['auth'];

const loginSchema = {
  tags,
  summary: 'Log in with username and password; returns a session token and sets a cookie',
  security: [],
  body: Type.Object(
    {
      username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }),
      password: Type.String({ minLength: 1, maxLength: 256 }),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      token: Type.String(),
      expiresAt: Type.String(),
      username: Type.String(),
      role: Role,
    }),
    ...errors,
  },
};

const changePasswordSchema = {
  tags,
  summary:
    "Change the caller's own password (needs the current one); the account's other sessions end, this one stays",
  body: Type.Object(
    {
      currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
      newPassword: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 }),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ sessionsEnded: Type.Integer() }), ...errors },
};

export function registerAuth(app: FastifyInstance, options: AuthOptions, deps: AuthDeps): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return; // console static files are public
    if (request.routeOptions.config?.public) return;
    const token = tokenOf(request);
    const principal = token ? await deps.accounts.resolve(token) : null;
    if (!principal)
      throw new AdminError('ADMIN_AUTH_REQUIRED', 'log in or send Authorization: Bearer <token>');
    request.principal = principal;
  });
  registerLogin(app, options, deps);
  registerSessionRoutes(app, deps);
  registerPasswordChange(app, options, deps);
}

/** POST /api/v1/auth/login: the one public route that hands out a session. */
function registerLogin(app: FastifyInstance, options: AuthOptions, deps: AuthDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: options.loginRateMax, timeWindow: '1 minute' } },
      schema: loginSchema,
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const account = await deps.accounts.findByUsername(username);
      const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
      if (!account || !ok || !account.enabled) {
        // fail2ban matches this line: keep event, src and msg stable.
        request.log.warn({ event: 'login_failed', src: request.ip }, `admin login failed from ${request.ip}`);
        throw new AdminError('ADMIN_AUTH_FAILED', 'wrong username or password');
      }
      const session = await deps.accounts.createSession(account.id, options.sessionTtlSeconds);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/api',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.cookieSecure || transportOf(request) === 'https',
        maxAge: options.sessionTtlSeconds,
      });
      request.log.info({ event: 'login', src: request.ip, username }, `admin ${username} logged in`);
      return { token: session.token, expiresAt: session.expiresAt, username, role: account.role };
    },
  );
}

/** POST /api/v1/auth/logout and GET /api/v1/auth/me. */
function registerSessionRoutes(app: FastifyInstance, deps: AuthDeps): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'End the current session', response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token?.startsWith('sas_')) await deps.accounts.deleteSession(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/api' });
      return reply.code(204).send(null);
    },
  );

  typed.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags,
        summary: 'Who is calling',
        response: {
          200: Type.Object({ username: Type.String(), via: Type.String(), role: Role }),
          ...errors,
        },
      },
    },
    async (request) => ({
      username: request.principal!.username,
      via: request.principal!.via,
      role: request.principal!.role,
    }),
  );
}

/** POST /api/v1/auth/password: the caller changes their own password. */
function registerPasswordChange(app: FastifyInstance, options: AuthOptions, deps: AuthDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/v1/auth/password',
    {
      config: { rateLimit: { max: options.loginRateMax, timeWindow: '1 minute' } },
      schema: changePasswordSchema,
    },
    async (request) => {
      const principal = request.principal!;
      const account = await deps.accounts.findByUsername(principal.username);
      const ok = await verifyPassword(request.body.currentPassword, account?.passwordHash ?? DUMMY_HASH);
      if (!account || !ok)
        throw new AdminError('ADMIN_PASSWORD_WRONG', 'currentPassword: the current password is wrong', {
          field: 'currentPassword',
        });
      const result = await deps.accounts.setPassword(
        actorOf(request),
        principal.username,
        request.body.newPassword,
        'change_password',
        principal.via === 'session' ? (tokenOf(request) ?? undefined) : undefined,
      );
      request.log.info(
        { event: 'password_changed', username: principal.username, sessionsEnded: result.sessionsEnded },
        `admin ${principal.username} changed their password`,
      );
      return result;
    },
  );
}

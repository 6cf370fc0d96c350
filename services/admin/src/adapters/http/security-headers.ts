// Security headers for the way each request reached admin. Over plain HTTP (an office LAN, no proxy)
// there is no HSTS and no `upgrade-insecure-requests`: either would make the browser fetch the
// console's scripts and styles over https, which admin does not serve, and the page stays blank.
// Over HTTPS (a TLS socket, or `X-Forwarded-Proto: https` from a proxy in ADMIN_TRUSTED_PROXIES,
// which Fastify's trustProxy turns into request.protocol) both are sent. The rest of the policy is
// the same strict one either way. Every /api response is `Cache-Control: no-store`: API answers
// (device lists, generated passwords and secrets) must not stay in a browser's or proxy's cache.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest, onSendHookHandler } from 'fastify';

export type Transport = 'http' | 'https';

export function transportOf(request: FastifyRequest): Transport {
  return request.protocol === 'https' ? 'https' : 'http';
}

const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** Helmet's options for one transport (helmet's defaults fill in every other header and directive). */
export function securityHeaderOptions(transport: Transport) {
  const https = transport === 'https';
  return {
    contentSecurityPolicy: {
      directives: { ...CSP_DIRECTIVES, upgradeInsecureRequests: https ? [] : null },
    },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  } satisfies FastifyHelmetOptions;
}

export function withoutUpgrade(csp: string): string {
  return csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && d !== 'upgrade-insecure-requests')
    .join('; ');
}

/** Call before registering plugins that send a CSP of their own (swagger-ui's API docs page). */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const plain = securityHeaderOptions('http');
  const secure = securityHeaderOptions('https');
  await app.register(helmet, { ...plain, global: false });
  app.addHook('onRequest', async (request, reply) => {
    reply.helmet(transportOf(request) === 'https' ? secure : plain);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  // A plugin's own CSP (swagger-ui sets one in its onSend, after ours) must not upgrade either:
  // route-level onSend hooks run after every instance-level one.
  const stripUpgradeOverPlainHttp: onSendHookHandler = async (request, reply, payload) => {
    const csp = reply.getHeader('content-security-policy');
    if (
      typeof csp === 'string' &&
      csp.includes('upgrade-insecure-requests') &&
      transportOf(request) === 'http'
    ) {
      reply.header('content-security-policy', withoutUpgrade(csp));
    }
    return payload;
  };
  app.addHook('onRoute', (route) => {
    route.onSend = [route.onSend ?? []].flat().concat(stripUpgradeOverPlainHttp);
  });
}

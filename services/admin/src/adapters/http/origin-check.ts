// Cross-site request refusal: a state-changing request (POST, PUT, PATCH, DELETE: JSON, multipart,
// logout, login, all of them) that a browser sent from a page of another origin is refused with 403
// ADMIN_CROSS_ORIGIN before authentication runs. The session cookie is SameSite=Strict, but "site"
// ignores ports and schemes: another web service on the same host is same-site and would get the
// cookie attached. What the browser says decides:
//   1. Sec-Fetch-Site (every current browser sends it; a page cannot forge it): same-origin or none
//      passes, same-site and cross-site are refused. A reverse proxy does not change it.
//   2. Without it, Origin (older browsers): it must equal this request's own origin, the scheme and
//      Host as admin sees them; from a proxy in ADMIN_TRUSTED_PROXIES, X-Forwarded-Proto/-Host count.
//      "null" (sandboxed page, file://) is refused.
//   3. Neither header: not a browser page (curl, the CLIs, API tokens): passes.
import type { FastifyInstance } from 'fastify';
import { AdminError } from '../../errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginFacts {
  readonly method: string;
  readonly secFetchSite?: string | undefined;
  readonly origin?: string | undefined;
  /** scheme and host:port of the request as admin sees it (trusted proxies applied) */
  readonly protocol: string;
  readonly host: string;
}

/** Why the request is refused as cross-origin, or null when it may go on. */
export function crossOriginRefusal(r: OriginFacts): string | null {
  if (!STATE_CHANGING.has(r.method.toUpperCase())) return null;
  const site = r.secFetchSite?.trim().toLowerCase();
  if (site) {
    if (site === 'same-origin' || site === 'none') return null;
    return `${r.method} from a page of another origin (Sec-Fetch-Site: ${site}) is refused`;
  }
  if (r.origin === undefined) return null;
  const own = `${r.protocol}://${r.host}`.toLowerCase();
  if (r.origin.trim().toLowerCase() === own) return null;
  return `${r.method} from origin ${r.origin.slice(0, 100)} is refused: the console's origin here is ${own}`;
}

/** Register before authentication, so a cross-origin request is refused whatever it carries. */
export function registerOriginCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    };
    const reason = crossOriginRefusal({
      method: request.method,
      secFetchSite: header('sec-fetch-site'),
      origin: header('origin'),
      protocol: request.protocol,
      host: request.host,
    });
    if (reason) {
      request.log.warn(
        {
          event: 'cross_origin_refused',
          src: request.ip,
          url: request.url.split('?')[0],
          origin: header('origin')?.slice(0, 100),
          secFetchSite: header('sec-fetch-site'),
          // whether the browser attached a session cookie (never its value)
          sessionCookie: /(^|;\s*)sa_session=/.test(header('cookie') ?? ''),
        },
        'cross-origin request refused',
      );
      throw new AdminError('ADMIN_CROSS_ORIGIN', reason, {
        origin: header('origin')?.slice(0, 100) ?? null,
        secFetchSite: header('sec-fetch-site') ?? null,
      });
    }
  });
}

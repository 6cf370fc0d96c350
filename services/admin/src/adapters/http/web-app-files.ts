// Serves a browser app built by scripts/build-web.mjs (dist/web/<app>). Its modules and styles are
// named by content hash, so a browser keeps them for a year without asking; index.html and the
// icon carry no hash and are revalidated on every load (ETag -> 304), so a release shows at once.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** dist/web/<app>, from src/ (tests through tsx) and from dist/ alike: both sit three levels below. */
export function builtWebApp(name: 'console' | 'me'): string {
  return fileURLToPath(new URL(`../../../dist/web/${name}`, import.meta.url));
}

const CONTENT_HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

export async function serveWebApp(
  app: FastifyInstance,
  options: { root: string; prefix: string; ownReply: boolean },
): Promise<void> {
  if (!options.root || !existsSync(options.root)) return;
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: options.prefix,
    index: 'index.html',
    redirect: false,
    decorateReply: options.ownReply,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.raw.setHeader(
        'cache-control',
        CONTENT_HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

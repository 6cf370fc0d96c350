// Starts the console's HTTP listener and announces every URL it can be reached at: bound to
// 0.0.0.0/::, that is every interface's address (Fastify's own answer is 127.0.0.1 only).
import type { AddressInfo } from 'node:net';
import type { Logger } from '@sa/platform';
import { listenUrls } from '../adapters/http/listen-urls.js';
import type { AdminHttp } from '../adapters/http/server.js';
import type { AdminConfig } from '../config.js';

/** Resolves with the console's URLs, the first one being its address. */
export async function listenConsole(
  http: AdminHttp,
  config: AdminConfig,
  opsAddress: string,
  logger: Logger,
): Promise<string[]> {
  await http.listen({ host: config.ADMIN_HOST, port: config.ADMIN_PORT });
  const urls = listenUrls(http.server.address() as AddressInfo);
  logger.info(
    { event: 'listening', ops: opsAddress, http: urls[0], urls },
    `admin console at ${urls.join(', ')} (ops ${opsAddress})`,
  );
  return urls;
}

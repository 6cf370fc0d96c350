// HTTP intake on the same port number as UDP: POST body = one envelope; 200 + reply envelope, or
// 403 with an empty body for every rejection (the status never says why).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { BlockList } from 'node:net';
import { MAX_PACKET_SIZE } from '@sa/phone-protocol';
import { clientAddress } from './client-address.js';

export type EnvelopeHandler = (packet: Uint8Array, src: string) => Promise<Uint8Array | null>;

export interface HttpServer {
  readonly address: string;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly trustedProxies: BlockList;
  /** an oversized body is a rejection like any other (counted, logged) */
  readonly onTooLarge: (src: string) => void;
}

export async function startHttpServer(
  options: HttpServerOptions,
  handler: EnvelopeHandler,
): Promise<HttpServer> {
  let stopping = false;
  const server = createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192 },
    (req, res) => {
      if (stopping) return end(res, 503);
      if (req.method !== 'POST') return end(res, 405);
      const src = clientAddress(
        req.socket.remoteAddress ?? '',
        req.headers['x-forwarded-for'],
        options.trustedProxies,
      );
      readBody(req).then(
        async (body) => {
          if (!body) {
            options.onTooLarge(src);
            return end(res, 403, undefined, true);
          }
          const reply = await handler(body, src);
          if (!reply) return end(res, 403);
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': reply.length });
          res.end(reply);
        },
        () => end(res, 400),
      );
    },
  );
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** The body, or null when it exceeds MAX_PACKET_SIZE (reading stops there). */
function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_PACKET_SIZE) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PACKET_SIZE) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function end(res: ServerResponse, status: number, body?: Uint8Array, close = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string | number> = { 'content-length': body?.length ?? 0 };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

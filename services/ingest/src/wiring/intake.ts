// The intake: UDP and HTTP on one port number, and the optional RADIUS accounting socket. With
// INGEST_PORT=0 the kernel picks a free UDP port whose TCP twin may be taken: try another UDP port,
// up to 20 times. A fixed port gets one attempt, and a busy one is a typed start-up error.
import type { BlockList } from 'node:net';
import { type HttpServer, startHttpServer } from '../adapters/http/http-server.js';
import type { RadiusListener } from '../adapters/radius/radius-listener.js';
import { startUdpServer, type UdpServer } from '../adapters/udp/udp-server.js';
import type { IngestConfig } from '../config.js';
import type { IngestObserver, Transport } from '../domain/ports.js';
import { IngestError } from '../errors.js';

export interface IntakeOptions {
  readonly config: IngestConfig;
  readonly trustedProxies: BlockList;
  readonly observer: Pick<IngestObserver, 'dropped' | 'rejected'>;
  readonly handler: {
    handle(packet: Uint8Array, src: string, transport: Transport): Promise<Uint8Array | null>;
  };
  readonly radius: RadiusListener | undefined;
}

export interface IntakeAddresses {
  readonly udp: string;
  readonly http: string;
  readonly port: number;
  readonly radius: string;
}

export class Intake {
  private udp: UdpServer | undefined;
  private http: HttpServer | undefined;

  constructor(private readonly options: IntakeOptions) {}

  /** '' (and port 0) for what is not listening */
  addresses(): IntakeAddresses {
    return {
      udp: this.udp?.address ?? '',
      http: this.http?.address ?? '',
      port: this.udp?.port ?? 0,
      radius: this.options.radius?.address() ?? '',
    };
  }

  /** the UDP socket's port, undefined while it is not bound */
  udpPort(): number | undefined {
    return this.udp?.port;
  }

  async start(): Promise<void> {
    const attempts = this.options.config.INGEST_PORT === 0 ? 20 : 1;
    for (let i = 0; i < attempts && !this.http; i++) await this.bind(i === attempts - 1);
    await this.options.radius?.start();
  }

  /** UDP, HTTP (in-flight requests finish), then RADIUS */
  async stop(): Promise<void> {
    await this.udp?.close();
    await this.http?.close();
    await this.options.radius?.stop();
  }

  private async bind(lastAttempt: boolean): Promise<void> {
    const { config, observer, handler, trustedProxies } = this.options;
    const udp = await startUdpServer(
      {
        host: config.INGEST_HOST,
        port: config.INGEST_PORT,
        recvBufferBytes: config.UDP_RECV_BUFFER_BYTES,
        maxPending: config.MAX_PENDING_PACKETS,
        onOverload: (src) => observer.dropped('overloaded', src, 'udp'),
      },
      (packet, src) => handler.handle(packet, src, 'udp'),
    );
    this.udp = udp;
    try {
      this.http = await startHttpServer(
        {
          host: config.INGEST_HOST,
          port: udp.port,
          trustedProxies,
          onTooLarge: (src) => observer.rejected('too_large', src, 'http'),
        },
        (packet, src) => handler.handle(packet, src, 'http'),
      );
    } catch (cause) {
      await udp.close();
      this.udp = undefined;
      if (lastAttempt)
        throw new IngestError('INGEST_LISTEN_PORT_BUSY', { port: config.INGEST_PORT }, { cause });
    }
  }
}

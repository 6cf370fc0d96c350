// Sends one request as the profile's device to its hosts in order (knocking first when asked) until
// one replies: the path every sa-phone request command and `sa-phone watch` share.
import { type KnockProtocol, knock } from './knock.js';
import { PhoneClient, type RequestBody, type SendOptions, type SendResult } from './phone-client.js';
import type { SendProfile } from './send-profile.js';
import type { TransportKind } from './transports.js';

export interface DeliverOptions {
  readonly transport: TransportKind;
  readonly knockProto: KnockProtocol;
  readonly knockDelay: number;
  readonly send: SendOptions;
  /** why the next host is tried (no reply, connection refused...) */
  readonly note: (line: string) => void;
  /** after each send, replies or not (the CLI prints the packet and the replies) */
  readonly sent?: (result: SendResult) => void;
}

export interface Delivery {
  readonly host: string;
  readonly result: SendResult;
}

/**
 * The first host's reply, or undefined when none replied. A host that throws (HTTP connection
 * refused...) is skipped, but the last host's error is thrown: nothing answered at all.
 */
export async function deliver(
  profile: SendProfile,
  body: RequestBody,
  o: DeliverOptions,
): Promise<Delivery | undefined> {
  // a --url names one endpoint whatever the hosts
  const hosts = o.transport === 'http' && profile.url ? profile.hosts.slice(0, 1) : profile.hosts;
  for (const [i, host] of hosts.entries()) {
    try {
      const result = await sendTo(profile, host, body, o);
      o.sent?.(result);
      if (result.replies.length > 0) return { host, result };
      if (i < hosts.length - 1) o.note(`no reply from ${host}: trying ${hosts[i + 1]}`);
    } catch (err) {
      if (i === hosts.length - 1) throw err;
      o.note(`${host}: ${errorReason(err)}: trying ${hosts[i + 1]}`);
    }
  }
  return undefined;
}

/** The innermost message (fetch wraps ECONNREFUSED in `cause`). */
export function errorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}

async function sendTo(profile: SendProfile, host: string, body: RequestBody, o: DeliverOptions) {
  const client = new PhoneClient(
    profile.identity,
    {
      host,
      port: profile.port,
      transport: o.transport,
      ...(profile.url ? { url: profile.url } : {}),
    },
    profile.counterStore ? { counterStore: profile.counterStore } : {},
  );
  if (profile.knock.length > 0) {
    await knock({ host, ports: profile.knock, protocol: o.knockProto, delayMs: o.knockDelay });
  }
  return client.send(body, o.send);
}

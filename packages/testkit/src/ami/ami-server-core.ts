// The AMI test server as its action handlers and script player see it: its state (AstDB, channels,
// sessions) and the few operations they call. AmiTestServer implements it; the handlers depend on
// this interface, not on the server class, so no module imports back the one that imports it.
import type { AmiMessage } from '@sa/ami-protocol';
import type { AmiSession } from './ami-session.js';
import type { WireHeaders } from './ami-wire.js';
import type { SimulatedChannel } from './simulated-channel.js';

export interface AmiTestServerOptions {
  readonly port?: number;
  readonly username?: string;
  readonly secret?: string;
  readonly banner?: string;
  /** First Local channel sequence number (Asterisk numbers Local pairs -00000000, -00000001 ...). */
  readonly localChannelSeq?: number;
  /** Whether an extension exists (Originate/Redirect); default: numeric or `s`, in any context but `nowhere`. */
  readonly extensionExists?: (context: string, exten: string) => boolean;
  /** Output lines for the Command action (`database show`/`showkey ...` are answered from the AstDB). */
  readonly commandOutput?: (command: string) => readonly string[];
  readonly now?: () => number;
  /**
   * Play Asterisk's recorded reaction when an action and the call state match a recorded situation
   * (see recorded-scripts.ts); default true. False: only the generic handlers answer.
   */
  readonly recordedScripts?: boolean;
}

export interface DialplanHooks {
  exists(context: string, exten: string): boolean;
  /** A channel was redirected: its context/exten/priority already name where it goes. */
  redirected(channel: SimulatedChannel): void;
  /** A channel was hung up by the Hangup action. */
  hungUp(channel: SimulatedChannel): void;
}

export interface ReceivedAction {
  readonly session: number;
  readonly message: AmiMessage;
  readonly at: number;
}

export interface AmiServerCore {
  readonly options: Required<Omit<AmiTestServerOptions, 'port'>>;
  readonly db: Map<string, string>;
  readonly channels: Map<string, SimulatedChannel>;
  readonly commandAnswers: { readonly command: string; readonly bytes: number }[];
  readonly sessions: Set<AmiSession>;
  readonly startedAt: number;
  readonly dialplan: DialplanHooks | undefined;
  readonly refuseLogin: boolean;
  readonly port: number;
  dbGet(family: string, key: string): string | undefined;
  dbPut(family: string, key: string, value: string): void;
  emitEvent(headers: WireHeaders | Readonly<Record<string, string>>): void;
  errorResponse(session: AmiSession, actionId: string | undefined, message: string): void;
  md5Key(challenge: string): string;
}

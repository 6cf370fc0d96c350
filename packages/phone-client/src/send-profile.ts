// Who the CLI speaks as and where it sends: the flags when --device or --key is given (flag or
// env), else the stored enrolment (own key, its hosts, port, knock and URL), each of which an
// explicit flag still overrides.
import { DEFAULT_SERVER_SECRET } from '@sa/phone-protocol';
import type { Command } from 'commander';
import { EnrolmentStore, statePath } from './enrolment-store.js';
import { parseKnockPorts } from './knock.js';
import type { CounterStore, PhoneIdentity } from './phone-client.js';

export interface ProfileOptions {
  state?: string;
  device?: string;
  key?: string;
  keyId: number;
  ownKey?: boolean;
  host: string;
  port: number;
  url?: string;
  knock?: string;
}

export interface SendProfile {
  readonly source: 'flags' | 'enrolment';
  readonly identity: PhoneIdentity;
  /** tried in order until one answers */
  readonly hosts: readonly string[];
  readonly port: number;
  readonly knock: readonly number[];
  readonly url?: string;
  /** the state file keeps the enrolled device's counter */
  readonly counterStore?: CounterStore;
}

export function sendProfile(o: ProfileOptions, cmd: Command, env: NodeJS.ProcessEnv): SendProfile {
  const given = (name: string) => ['cli', 'env'].includes(cmd.getOptionValueSource(name) ?? '');
  const knockFlag = o.knock !== undefined ? parseKnockPorts(o.knock) : [];
  if (given('device') || given('key')) {
    if (!o.device)
      throw new Error('--device is required with --key (or enrol: sa-phone enrol <QR text or image>)');
    return {
      source: 'flags',
      identity: {
        deviceId: o.device,
        secret: o.key ?? DEFAULT_SERVER_SECRET,
        keyId: o.keyId,
        ownKey: o.ownKey ?? false,
      },
      hosts: [o.host],
      port: o.port,
      knock: knockFlag,
      ...(o.url ? { url: o.url } : {}),
    };
  }
  const store = new EnrolmentStore(statePath(o.state, env));
  const state = store.read();
  if (!state) {
    throw new Error(
      `this phone is not enrolled (${store.path}): run sa-phone enrol <QR text or image>, or give --device and --key`,
    );
  }
  const e = state.enrolment;
  const url = given('url') ? o.url : e.url;
  return {
    source: 'enrolment',
    identity: {
      deviceId: e.deviceId,
      secret: e.secret,
      keyId: given('keyId') ? o.keyId : e.keyId,
      ownKey: true,
    },
    hosts: given('host') ? [o.host] : e.hosts,
    port: given('port') ? o.port : e.port,
    knock: given('knock') ? knockFlag : e.knock,
    ...(url ? { url } : {}),
    counterStore: store.counterStore(),
  };
}

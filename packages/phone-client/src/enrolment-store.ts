// The phone's state file: its enrolment (with the secret, so mode 0600) and the highest counter it
// has used, so counters keep increasing across runs (docs/protocol.md sections 3.5 and 6). Every
// write goes to a fresh 0600 file in the same folder, then is renamed over the old one.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Enrolment, formatEnrolment, parseEnrolment } from '@sa/phone-protocol';
import type { CounterStore } from './phone-client.js';

/** Version of the state file's layout. */
export const STATE_FORMAT = 1;

export interface PhoneState {
  readonly format: typeof STATE_FORMAT;
  readonly enrolledAt: string;
  readonly enrolment: Enrolment;
  /** highest counter sent under this enrolment's device id (0: none yet) */
  readonly lastCounter: number;
}

/** --state, else SA_PHONE_STATE, else $XDG_CONFIG_HOME/sa-phone/enrolment.json, else ~/.config/... */
export function statePath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return explicit;
  if (env.SA_PHONE_STATE) return env.SA_PHONE_STATE;
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'sa-phone', 'enrolment.json');
}

export class EnrolmentStore {
  constructor(readonly path: string) {}

  /** The stored state, or undefined when this phone is not enrolled. Throws on a damaged file. */
  read(): PhoneState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const raw = JSON.parse(text) as Partial<PhoneState>;
      if (raw.format !== STATE_FORMAT) throw new Error(`unknown format ${String(raw.format)}`);
      if (!raw.enrolment) throw new Error('no enrolment');
      // the same checks as a fresh payload, so a hand-edited file cannot smuggle in a bad value
      const enrolment = parseEnrolment(formatEnrolment(raw.enrolment));
      const lastCounter = Number.isSafeInteger(raw.lastCounter) ? Number(raw.lastCounter) : 0;
      return { format: STATE_FORMAT, enrolledAt: String(raw.enrolledAt ?? ''), enrolment, lastCounter };
    } catch (err) {
      throw new Error(`${this.path} is damaged (${(err as Error).message}): enrol again or forget it`, {
        cause: err,
      });
    }
  }

  /**
   * Stores a new enrolment, replacing any other. The counter carries over when the device id is the
   * same (ingest's replay window is per device, whatever the key), and starts afresh otherwise.
   */
  enrol(enrolment: Enrolment, now = new Date()): { state: PhoneState; replaced?: Enrolment } {
    let previous: PhoneState | undefined;
    try {
      previous = this.read();
    } catch {
      previous = undefined; // a damaged file is simply replaced
    }
    const state: PhoneState = {
      format: STATE_FORMAT,
      enrolledAt: now.toISOString(),
      enrolment,
      lastCounter: previous?.enrolment.deviceId === enrolment.deviceId ? previous.lastCounter : 0,
    };
    this.write(state);
    return { state, ...(previous ? { replaced: previous.enrolment } : {}) };
  }

  /** Deletes the state file; false when there was none. */
  forget(): boolean {
    try {
      rmSync(this.path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** The counter store of the enrolled device: reads and records `lastCounter` in the file. */
  counterStore(): CounterStore {
    return {
      last: () => this.read()?.lastCounter ?? 0,
      used: (counter) => {
        const state = this.read();
        if (!state) throw new Error(`${this.path} disappeared: cannot record the counter`);
        if (counter > state.lastCounter) this.write({ ...state, lastCounter: counter });
      },
    };
  }

  private write(state: PhoneState): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    rmSync(temporary, { force: true }); // left over by a crashed run with the same pid
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, this.path);
    } catch (err) {
      rmSync(temporary, { force: true });
      throw err;
    }
  }
}

/** The enrolment as printed: everything but the secret. */
export function withoutSecret(e: Enrolment): Omit<Enrolment, 'secret'> {
  const { secret: _secret, ...rest } = e;
  return rest;
}

// `sa-phone watch`: a presence agent for laptops with a softphone. Wires the OS Wi-Fi tool, the
// enrolled device's sender, the real clock and the signals into the watcher (presence-watcher.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackoffPolicy } from '@sa/platform/backoff';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommonOptions, withCommon } from './common-options.js';
import { phonePresenceSender } from './presence-report.js';
import { type WatchClock, watchPresence } from './presence-watcher.js';
import { sendProfile } from './send-profile.js';
import { execFileRunner, wifiCommandFor, wifiReader } from './wifi-reader.js';

interface WatchOptions extends CommonOptions {
  interval: number;
  poll: number;
  wifiTimeout: number;
}

/** request-command flags that would break a long-running reporter (a fixed counter is a replay) */
const REFUSED_FLAGS = ['counter', 'timestamp', 'pad', 'replay', 'flipBit', 'truncate', 'hex'];

/**
 * While the server is unreachable: 5 s doubling to 5 min, full jitter, because many laptops lose the
 * server at the same moment (the office link drops) and should not all come back in step.
 */
const WATCH_BACKOFF: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 300_000, jitter: 1 };

const seconds = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

export const realClock: WatchClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

export function registerWatchCommand(program: Command): void {
  const watch = withCommon(
    program
      .command('watch')
      .description(
        'report presence whenever the Wi-Fi network changes, and every --interval (docs/install.md)',
      ),
  )
    .option('--interval <seconds>', 'report at least this often while on Wi-Fi', seconds('interval'), 60)
    .option('--poll <seconds>', 'read the Wi-Fi this often', seconds('poll'), 5)
    .option('--wifi-timeout <seconds>', 'give up on the OS Wi-Fi tool after', seconds('wifi timeout'), 10)
    .action((o: WatchOptions, cmd: Command) => runWatch(o, cmd));
  for (const option of watch.options) {
    if (REFUSED_FLAGS.includes(option.attributeName())) option.hideHelp();
  }
}

async function runWatch(o: WatchOptions, cmd: Command): Promise<void> {
  const given = REFUSED_FLAGS.filter((name) => cmd.getOptionValueSource(name) === 'cli');
  if (given.length > 0) throw new Error(`watch does not take ${given.map(flagName).join(', ')}`);
  const profile = sendProfile(o, cmd, process.env);
  const wifi = wifiCommandFor(process.platform);
  const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    stop.abort();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  log(
    `watching Wi-Fi (${wifi.file}) every ${o.poll} s as device ${profile.identity.deviceId}: ` +
      `reporting on change and every ${o.interval} s`,
  );
  try {
    await watchPresence(
      {
        readWifi: wifiReader(wifi, execFileRunner(o.wifiTimeout * 1000)),
        sender: phonePresenceSender(profile, {
          transport: o.transport,
          knockProto: o.knockProto,
          knockDelay: o.knockDelay,
          send: { timeoutMs: o.timeout },
          note: log,
        }),
        clock: realClock,
        log,
        random: Math.random,
      },
      { pollMs: o.poll * 1000, intervalMs: o.interval * 1000, backoff: WATCH_BACKOFF },
      stop.signal,
    );
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  log('stopped');
}

function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

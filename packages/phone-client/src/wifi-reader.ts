// Which OS tool `sa-phone watch` runs to read Wi-Fi, and running it: the tool's output goes to the
// pure parsers. The runner is injected, so tests feed recorded outputs instead of running tools.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { WifiScan } from './wifi-network.js';
import { AIRPORT_PATH, parseAirportInfo, parseWdutilInfo } from './wifi-parse-macos.js';
import { NETSH_ARGS, parseNetshInterfaces } from './wifi-parse-netsh.js';
import { NMCLI_ARGS, parseNmcliTerse } from './wifi-parse-nmcli.js';

export interface WifiCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** extra environment (nmcli: the C locale, so ACTIVE reads yes/no) */
  readonly env?: Readonly<Record<string, string>>;
  readonly parse: (stdout: string) => WifiScan;
}

/** Runs `file args` and resolves with its stdout; rejects on a non-zero exit or the timeout. */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
) => Promise<string>;

/** The Wi-Fi tool of this platform; `exists` is injected so the macOS choice can be tested. */
export function wifiCommandFor(
  platform: NodeJS.Platform,
  exists: (path: string) => boolean = existsSync,
): WifiCommand {
  switch (platform) {
    case 'linux':
      return { file: 'nmcli', args: NMCLI_ARGS, env: { LC_ALL: 'C' }, parse: parseNmcliTerse };
    case 'darwin':
      // sudo -n fails at once (no password prompt) without the sudoers rule docs/install.md gives
      return exists(AIRPORT_PATH)
        ? { file: AIRPORT_PATH, args: ['-I'], parse: parseAirportInfo }
        : { file: 'sudo', args: ['-n', '/usr/bin/wdutil', 'info'], parse: parseWdutilInfo };
    case 'win32':
      return { file: 'netsh', args: NETSH_ARGS, parse: parseNetshInterfaces };
    default:
      throw new Error(`sa-phone watch cannot read Wi-Fi on ${platform} (Linux, macOS and Windows only)`);
  }
}

/** child_process.execFile with a timeout (a hung tool must not stall the watcher). */
export function execFileRunner(timeoutMs: number): CommandRunner {
  return (file, args, env) =>
    new Promise((resolve, reject) => {
      execFile(
        file,
        [...args],
        { timeout: timeoutMs, env: { ...process.env, ...env }, windowsHide: true, maxBuffer: 1 << 20 },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const why =
            err.code === 'ENOENT'
              ? 'not found (is it installed and on PATH?)'
              : stderr.trim().split('\n')[0] || err.message;
          reject(Object.assign(new Error(`${file} failed: ${why}`, { cause: err }), { code: err.code }));
        },
      );
    });
}

/** Reads the Wi-Fi now: runs the tool and parses its output. */
export function wifiReader(command: WifiCommand, run: CommandRunner): () => Promise<WifiScan> {
  return async () => command.parse(await run(command.file, command.args, command.env));
}

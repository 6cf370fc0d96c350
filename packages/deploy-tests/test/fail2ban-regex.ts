// Runs Debian's real fail2ban-regex over log lines and tells which lines matched, with which host;
// and Debian's fail2ban-client over the shipped jails, to see what it would start.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployDir, requireTool, run } from './helpers.js';

/** Map from each matched log line to the host fail2ban extracted from it. */
export function fail2banMatches(filter: string, lines: readonly string[]): Map<string, string> {
  const tool = requireTool('fail2ban-regex', 'fail2ban');
  const dir = mkdtempSync(join(tmpdir(), 'sa-f2b-'));
  try {
    const log = join(dir, 'service.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const result = run(tool, [
      '-o',
      '<ip> <msg>',
      log,
      join(deployDir, 'fail2ban', 'filter.d', `${filter}.conf`),
    ]);
    if (result.status !== 0)
      throw new Error(`fail2ban-regex failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    const matches = new Map<string, string>();
    for (const out of result.stdout.split('\n').filter(Boolean)) {
      const space = out.indexOf(' ');
      matches.set(out.slice(space + 1), out.slice(0, space));
    }
    return matches;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The commands Debian's fail2ban-client would send its server for deploy/fail2ban's jails (`-d`:
 * parse and dump, nothing started), with /etc/fail2ban's own jail.d left out and the jails named in
 * `enable` switched on. One line per command, e.g. `['start', 'smartassistant']`.
 */
export function fail2banJailCommands(enable: readonly string[] = []): string[] {
  const tool = requireTool('fail2ban-client', 'fail2ban');
  const dir = mkdtempSync(join(tmpdir(), 'sa-f2b-conf-'));
  try {
    cpSync('/etc/fail2ban', dir, { recursive: true });
    rmSync(join(dir, 'jail.d'), { recursive: true, force: true });
    mkdirSync(join(dir, 'jail.d'));
    let jails = readFileSync(join(deployDir, 'fail2ban', 'jail.d', 'smartassistant.conf'), 'utf8');
    for (const name of enable) {
      jails = jails.replace(new RegExp(`(\\[${name}\\]\\nenabled\\s*=\\s*)false`), '$1true');
    }
    writeFileSync(join(dir, 'jail.d', 'smartassistant.conf'), jails);
    for (const f of readdirSync(join(deployDir, 'fail2ban', 'filter.d')))
      cpSync(join(deployDir, 'fail2ban', 'filter.d', f), join(dir, 'filter.d', f));
    const result = run(tool, ['-c', dir, '-d']);
    if (result.status !== 0)
      throw new Error(`fail2ban-client -d failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout.split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

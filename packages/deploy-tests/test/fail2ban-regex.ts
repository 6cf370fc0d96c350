// Runs Debian's real fail2ban-regex over log lines and tells which lines matched, with which host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
